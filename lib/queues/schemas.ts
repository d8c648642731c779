import { z } from "zod";

/**
 * Response shapes of the engine, declared once: the API's routes check their
 * bodies against them (REDRIVE_CHECK_RESPONSES), ./types.ts infers the types
 * the engine and the UI use, and an API description can be generated from
 * them. Strict objects, so that a field nobody declared is a mismatch too.
 * Times are Unix epoch seconds.
 */

const count = z.number().int().nonnegative();
const epochSeconds = z.number();

export const DlqMessageSchema = z.strictObject({
  index: count.describe("Position in the DLQ when read; 0 is the newest."),
  identity: z
    .string()
    .describe(
      "`id:<id>` or `h:<sha1>` (a viewer's `v:<token>` while REDRIVE_REDACT is set): what an action names besides the index.",
    ),
  raw: z.string().describe("The entry as text (UTF-8; invalid bytes shown as U+FFFD)."),
  bytes: count.describe("The entry's size in bytes."),
  isJson: z.boolean().describe("Whether the entry is one well-formed JSON object."),
  payload: z
    .unknown()
    .describe(
      "JSON.parse of the entry when it is an object, else null (integers beyond 2^53 are rounded here; `raw` is exact).",
    ),
  jobId: z.string().nullable(),
  filename: z.string().nullable(),
  errorType: z.string().nullable(),
  errorMessage: z.string().nullable(),
  errorStack: z.string().nullable(),
  retryCount: count.describe("Retries made before the entry was dead-lettered."),
  failedAt: epochSeconds.nullable().describe("When it was dead-lettered, when known."),
  originalQueue: z.string().nullable(),
  metadataKey: z.string().describe("The entry's metadata hash key (`dlq:metadata:…`)."),
  metadata: z
    .record(z.string(), z.string())
    .nullable()
    .describe("The metadata hash's fields, or null when there is none (expired or never written)."),
  truncated: z
    .boolean()
    .optional()
    .describe(
      "Set in lists when the entry is larger than a list shows (64 KB): `raw` holds its first bytes, `payload` is null, `isJson` says whether it starts and ends like a JSON object, and the error comes from Redrive's block at its end or the metadata hash; the error message, stack and metadata values are cut too. GET …/dlq/{queue}/message/{index} has it whole (up to 16 MB).",
    ),
});

export const ScheduledRetryViewSchema = z.strictObject({
  rank: count.describe("Position when listed, soonest first."),
  identity: z.string(),
  due: epochSeconds.describe("Due time, epoch seconds."),
  raw: z.string().describe("The message, or its first bytes when `truncated`."),
  bytes: count,
  retryCount: count,
  truncated: z
    .boolean()
    .optional()
    .describe("Set when the message is larger than a list shows (64 KB)."),
});

export const QueueStatsSchema = z.strictObject({
  queue: z.string(),
  work: count,
  processing: count,
  retry: count,
  retryDue: count.describe("Retries whose due time has passed (the worker service promotes them)."),
  nextRetryAt: epochSeconds.nullable().describe("Due time of the next scheduled retry."),
  dlq: count,
  oldestDlqAt: epochSeconds
    .nullable()
    .describe("failed_at of the oldest DLQ entry, when it has one."),
  oldestDlqAgeSeconds: z.number().nonnegative().nullable(),
});

/** Top error groups of a DLQ (errorGroups.ts); here so that redact.ts and the metrics can name them. */
/** An admin's note on an error group, and its mark "known" (lib/queues/notes.ts). */
export const GroupNoteSchema = z.strictObject({
  note: z.string().describe("A sentence, up to 500 characters."),
  link: z.string().nullable().describe("An http(s) link, such as a ticket."),
  known: z.boolean().describe("Marked known: the daily review lists it apart."),
  until: epochSeconds
    .nullable()
    .describe(
      "Until when the growth alert leaves a known group's failures out (null: as long as it is marked known).",
    ),
  by: z.string().describe("Who wrote it."),
  at: epochSeconds.describe("When."),
});

export const ErrorGroupSchema = z.strictObject({
  id: z.string(),
  errorType: z.string(),
  pattern: z.string().describe("The normalised message."),
  example: z.string().describe("One real message of the group."),
  count,
  firstSeen: epochSeconds.nullable(),
  lastSeen: epochSeconds.nullable(),
  note: GroupNoteSchema.optional().describe("An admin's note and mark, when there is one."),
});

export const ErrorGroupsSchema = z.strictObject({
  groups: z.array(ErrorGroupSchema),
  scanned: count.describe("Entries looked at, newest first."),
  total: count,
  complete: z
    .boolean()
    .describe("False when the entry count or the byte budget stopped the scan before the end."),
  nextOffset: count.nullable().describe("Where the scan stopped, or null when it reached the end."),
  averageRetryCount: z
    .number()
    .nonnegative()
    .nullable()
    .describe("Mean retry_count of the entries looked at (null when none)."),
});

export const PlaceSchema = z
  .enum(["work", "processing", "retry", "dlq"])
  .describe(
    "Where in a queue: its work list (waiting), processing list (taken by a consumer), retry set (scheduled) or DLQ.",
  );

/** GET /api/admin/find: one match, with the view of the tab that shows it. */
export const FoundSchema = z.strictObject({
  queue: z.string(),
  place: PlaceSchema,
  index: count.describe(
    "Index in the list (0 the newest), or rank in the retry set (0 the soonest).",
  ),
  dlq: DlqMessageSchema.optional().describe("A dead letter, as the DLQ page shows it."),
  entry: ScheduledRetryViewSchema.optional().describe(
    "Any other entry, as the Retries tab shows one; `due` is 0 outside the retry set.",
  ),
});
