import { z } from "zod";
import { AuditPageSchema, DeniedSummarySchema } from "../audit/schemas";
import { CacheOverviewSchema } from "../cache/schemas";
import { WorkerStatusSchema } from "../health-schemas";
import { RedisSafetySchema, RedisWarningCodeSchema } from "../redis/safety";
import { TopologySchema } from "../redis/topology";
import { SchemaStatusSchema } from "../schema/version";
import {
  HistoryResponseSchema,
  InsightsResponseSchema,
  OverviewResponseSchema,
  ReviewMarkSchema,
} from "../metrics/schemas";
import {
  DlqMessageSchema,
  ErrorGroupsSchema,
  GroupNoteSchema,
  QueueStatsSchema,
  ScheduledRetryViewSchema,
  FoundSchema,
  PlaceSchema,
} from "../queues/schemas";
import { RedriveTaskSchema } from "../tasks/schemas";

/**
 * The body of every successful answer of the admin, session and health
 * routes, one schema per endpoint: each route names its schema (./route.ts),
 * which types its handler and, with REDRIVE_CHECK_RESPONSES, checks what it
 * sends; ./types.ts infers the types the UI reads. The shapes inside them live
 * beside their domain (lib/{queues,metrics,cache,audit,tasks}/schemas.ts).
 * Strict objects: an undeclared field is a mismatch too.
 */

const count = z.number().int().nonnegative();

/** Every error answer: `{error: {code, message}}`, with a 4xx or 5xx status. */
export const ErrorBodySchema = z.strictObject({
  error: z.strictObject({
    code: z.string().describe("Stable, for programs: UNAUTHENTICATED, CONFLICT, RESPONSE_SHAPE, …"),
    message: z.string().describe("For people; never a payload or a secret."),
  }),
});

/** GET /api/admin/dlq/stats. */
export const DlqStatsResponseSchema = z.strictObject({
  queues: z.array(QueueStatsSchema),
  worker: WorkerStatusSchema,
});

/** GET /api/admin/dlq/[queue]: a page, newest first. */
export const DlqPageResponseSchema = z.strictObject({
  queue: z.string(),
  total: count.describe("The DLQ's length."),
  offset: count,
  limit: count,
  messages: z.array(DlqMessageSchema),
  filter: z
    .strictObject({
      q: z.string(),
      scanned: count,
      complete: z.boolean(),
      nextOffset: count.nullable(),
    })
    .optional()
    .describe(
      "With q=: how many entries the filter looked at, from `offset`, and whether it reached the end (false also when the byte budget stopped it); where to go on, or null at the end.",
    ),
});

/** GET /api/admin/dlq/[queue]/message/[index]: one entry whole. */
export const DlqMessageResponseSchema = z.strictObject({
  queue: z.string(),
  message: DlqMessageSchema,
  editable: z
    .strictObject({
      sha1: z.string().describe("The entry's sha1: what a requeue with `edit` names."),
      text: z.string().describe("The message as a requeue restores it: what the editor shows."),
    })
    .nullable()
    .optional()
    .describe(
      "For an admin who sees it unmasked, a JSON object up to 256 KB: what fix-then-requeue edits; null otherwise.",
    ),
});

/** POST …/requeue, …/delete (one or selected) and the error groups' requeue and delete. */
export const RequeueResponseSchema = z.strictObject({
  moved: z.array(z.string()).describe("Identities of the messages moved."),
  missing: z
    .array(z.string())
    .describe("Identities of the messages that were no longer in the DLQ: nothing moved for them."),
  skipped: z
    .array(z.string())
    .optional()
    .describe(
      "With an `edit`: identities of the messages it cannot apply to (not a JSON object along its path); they stay in the DLQ.",
    ),
});

/** POST /api/admin/dlq/[queue]/edit-preview: what an edit would do; nothing is written. */
export const EditPreviewResponseSchema = z.strictObject({
  total: count.describe(
    "Entries looked at: the message, the selection's entries still listed, or the group's.",
  ),
  touched: count.describe("Entries the edit changes."),
  unchanged: count.describe(
    "Entries the edit leaves as they are (the field already so); requeued unchanged.",
  ),
  notApplicable: count.describe(
    "Entries it cannot apply to (not a JSON object along its path); they stay in the DLQ.",
  ),
  moved: count.describe(
    "Selected entries no longer at the index given; looked up again when the requeue runs.",
  ),
  sample: z
    .array(
      z.strictObject({
        path: z.array(z.string()),
        before: z
          .string()
          .nullable()
          .describe("JSON text (the first 2 000 characters), null when added."),
        after: z
          .string()
          .nullable()
          .describe("JSON text (the first 2 000 characters), null when removed."),
      }),
    )
    .describe(
      "The changes to the first entry touched: a message's whole edit, a selection's or group's example.",
    ),
});

/** GET or POST …/dlq/[queue]/export: each line of the JSON Lines answer. */
export const ExportLineSchema = z
  .strictObject({
    queue: z.string(),
    identity: z.string().describe("`id:<id>` or `h:<sha1>`; a `v:` token when masked."),
    sha1: z.string().optional().describe("The entry's sha1 (absent when masked)."),
    bytes: count.describe("The entry's size in bytes."),
    entry: z
      .unknown()
      .optional()
      .describe(
        "The entry's exact bytes, when they are JSON on one line in valid UTF-8 (else `entry_text` or `entry_base64`); the masked JSON when `redacted`.",
      ),
    entry_text: z
      .string()
      .optional()
      .describe("The exact text of an entry that is not one-line JSON."),
    entry_base64: z.string().optional().describe("The bytes of an entry that is not valid UTF-8."),
    redacted: z.literal(true).optional().describe("REDRIVE_REDACT masked this line."),
    metadata: z
      .record(z.string(), z.string())
      .nullable()
      .describe("The metadata hash's fields, or null."),
  })
  .describe("One line of the export (JSON Lines: one such object a line, oldest entry first).");

/** POST and DELETE /api/admin/errors/[queue]/notes. */
export const GroupNoteResponseSchema = z.strictObject({
  group: z.string(),
  note: GroupNoteSchema.nullable().describe("The note as stored; null once cleared."),
});

/** GET /api/admin/retry/[queue]: scheduled retries, soonest first. */
export const RetryPageResponseSchema = z.strictObject({
  queue: z.string(),
  total: count,
  offset: count,
  limit: count,
  retries: z.array(ScheduledRetryViewSchema),
});

/** GET /api/admin/errors/[queue]. */
export const ErrorGroupsResponseSchema = ErrorGroupsSchema.extend({
  queue: z.string(),
  computedAt: z
    .number()
    .describe(
      "When the groups were computed, epoch seconds: a heavy read, shared by every dashboard and computed at most every 30 s.",
    ),
});

/** GET /api/admin/dlq/[queue]/tasks: the current or last task, null when there was none. */
export const TaskResponseSchema = z.strictObject({ task: RedriveTaskSchema.nullable() });

/** POST /api/admin/dlq/[queue]/tasks (202) and .../tasks/cancel: the task as it now stands. */
export const TaskStartedResponseSchema = z.strictObject({ task: RedriveTaskSchema });

/** POST /api/admin/dlq/[queue]/purge. */
export const PurgeResponseSchema = z.strictObject({
  purged: count.describe("Entries deleted."),
});

/** POST /api/admin/retry/[queue]/now: how many scheduled retries went to the work queue. */
export const RetryNowResponseSchema = z.strictObject({ moved: count });

/** GET /api/admin/review/[queue]. */
export const ReviewResponseSchema = z.strictObject({
  queue: z.string(),
  review: ReviewMarkSchema.nullable().describe("The last review, or null when there was none."),
});

/** POST /api/admin/review/[queue]. */
export const ReviewedResponseSchema = z.strictObject({
  queue: z.string(),
  review: ReviewMarkSchema,
});

/** POST /api/session/activity and /api/session/end-all. */
export const OkResponseSchema = z.strictObject({ ok: z.literal(true) });

/** POST /api/admin/sessions/end: whose sessions ended. */
export const EndSessionsResponseSchema = z.strictObject({ user: z.string() });

/** DELETE /api/admin/cache/clear: keys deleted per namespace, and their sum. */
export const ClearCacheResponseSchema = z.strictObject({
  deleted: z.record(z.string(), count).describe("Keys deleted, per namespace."),
  count,
});

/** GET /api/admin/cache/stats. */
export const CacheStatsResponseSchema = CacheOverviewSchema;

/** GET /api/admin/audit: newest first, paged by entry id. */
export const AuditResponseSchema = AuditPageSchema;

/** GET /api/admin/audit/denied. */
export const DeniedResponseSchema = DeniedSummarySchema;

/** GET /api/admin/redis: what makes the queue Redis unsafe, for the banner on every page. */
export const RedisSafetyResponseSchema = RedisSafetySchema.extend({
  topology: TopologySchema.describe("Where the master is, and since when (Sentinel)."),
  schema: SchemaStatusSchema.describe(
    "The stored state's schema beside this release's (docs/stored-state.md).",
  ),
});
export type RedisStatus = z.infer<typeof RedisSafetyResponseSchema>;

/** GET /api/admin/overview, /api/admin/insights and /api/admin/metrics: the metrics' own shapes. */
export { HistoryResponseSchema, InsightsResponseSchema, OverviewResponseSchema };

/**
 * GET /api/health, no login: 200 with the worker's status, or 503 with
 * `{status: "unavailable", redis: "down"}` when Redis does not answer.
 */
export const HealthResponseSchema = z.discriminatedUnion("status", [
  z.strictObject({
    status: z.literal("ok"),
    redis: z.literal("up"),
    redisWarnings: z
      .array(RedisWarningCodeSchema)
      .describe("Empty when this Redis can keep queues safely; see GET /api/admin/redis."),
    // No version: anyone may read this, and a version tells an attacker which flaws to try.
    worker: WorkerStatusSchema.omit({ version: true }).extend({
      queues: count.describe("Configured queues."),
    }),
  }),
  z.strictObject({ status: z.literal("unavailable"), redis: z.literal("down") }),
]);

/** GET /api/health/live: the process serves requests; Redis is not asked. */
export const LivenessResponseSchema = z.strictObject({ status: z.literal("ok") });

/** GET /api/admin/find: one step of the scan for a field's value, and where it goes on. */
export const FindResponseSchema = z.strictObject({
  field: z.string(),
  value: z.string(),
  queues: z.array(z.string()).describe("The queues the scan covers, in the order it takes them."),
  masked: z
    .boolean()
    .describe(
      "The field is masked for this user (REDRIVE_REDACT): nothing can be found by its value.",
    ),
  found: z.array(FoundSchema),
  scanned: count.describe("Entries this step looked at."),
  finished: z
    .array(z.strictObject({ queue: z.string(), place: PlaceSchema, scanned: count }))
    .describe("The places this step finished, each with the entries looked at there in all."),
  next: z
    .string()
    .nullable()
    .describe("Pass as `cursor` to go on; null when every place of every queue was scanned."),
  at: z
    .strictObject({ queue: z.string(), place: PlaceSchema, offset: count, length: count })
    .nullable()
    .describe("Where the scan goes on, and that place's length now, for a progress bar."),
});
