/**
 * Response shapes of the admin API, imported by the UI: inferred from the
 * schemas in ./responses.ts (and the domain schemas it uses). Type-only
 * imports: the UI imports this module's limits as values, and zod must not
 * come with them into the browser bundle.
 */
import type { z } from "zod";
import type {
  ClearCacheResponseSchema,
  DlqMessageResponseSchema,
  DlqPageResponseSchema,
  DlqStatsResponseSchema,
  EditPreviewResponseSchema,
  EndSessionsResponseSchema,
  ErrorBodySchema,
  ErrorGroupsResponseSchema,
  FindResponseSchema,
  HealthResponseSchema,
  OkResponseSchema,
  PurgeResponseSchema,
  RequeueResponseSchema,
  RetryNowResponseSchema,
  RetryPageResponseSchema,
  ReviewedResponseSchema,
  ReviewResponseSchema,
  TaskResponseSchema,
  TaskStartedResponseSchema,
} from "./responses";
import type { AuditEntry, AuditPage, DeniedRow, DeniedSummary } from "../audit/types";
import type {
  CreatedTokenResponseSchema,
  TokensResponseSchema,
  TokenViewSchema,
} from "../auth/token-schemas";
import type { CacheOverview, NamespaceStats, TopKey } from "../cache/types";
import type { WorkerStatus } from "../health";
import type { ReviewMark } from "../metrics/types";
import type {
  DlqMessage,
  Found,
  Place,
  ErrorGroup,
  ErrorGroups,
  QueueStats,
  ScheduledRetryView,
} from "../queues/types";
import type { RedriveTask, TaskState } from "../tasks/redrive";

export type { DlqMessage, QueueStats, ScheduledRetryView, WorkerStatus };
export type { Found, Place };
export type { ErrorGroup, ErrorGroups, RedriveTask, ReviewMark, TaskState };
export type { AuditEntry, AuditPage, DeniedRow, DeniedSummary };
export type { CacheOverview, NamespaceStats, TopKey };

export type ErrorBody = z.infer<typeof ErrorBodySchema>;

export type DlqStatsResponse = z.infer<typeof DlqStatsResponseSchema>;

export type DlqPageResponse = z.infer<typeof DlqPageResponseSchema>;

export type DlqMessageResponse = z.infer<typeof DlqMessageResponseSchema>;

export type RequeueResponse = z.infer<typeof RequeueResponseSchema>;

export type EditPreviewResponse = z.infer<typeof EditPreviewResponseSchema>;

export type RetryPageResponse = z.infer<typeof RetryPageResponseSchema>;

/** GET /api/admin/errors/[queue]. */
export type ErrorGroupsResponse = z.infer<typeof ErrorGroupsResponseSchema>;

/** GET /api/admin/dlq/[queue]/tasks: the current or last task, null when there was none. */
export type TaskResponse = z.infer<typeof TaskResponseSchema>;

/** POST /api/admin/dlq/[queue]/tasks and .../tasks/cancel: the task as it now stands. */
export type TaskStartedResponse = z.infer<typeof TaskStartedResponseSchema>;

/** POST /api/admin/dlq/[queue]/purge. */
export type PurgeResponse = z.infer<typeof PurgeResponseSchema>;

/** POST /api/admin/retry/[queue]/now: how many scheduled retries went to the work queue. */
export type RetryNowResponse = z.infer<typeof RetryNowResponseSchema>;

/** GET /api/admin/review/[queue]. */
export type ReviewResponse = z.infer<typeof ReviewResponseSchema>;

/** POST /api/admin/review/[queue]. */
export type ReviewedResponse = z.infer<typeof ReviewedResponseSchema>;

/** POST /api/session/activity and /api/session/end-all. */
export type OkResponse = z.infer<typeof OkResponseSchema>;

/** POST /api/admin/sessions/end. */
export type EndSessionsResponse = z.infer<typeof EndSessionsResponseSchema>;

/** DELETE /api/admin/cache/clear: keys deleted per namespace, and their sum. */
export type ClearCacheResponse = z.infer<typeof ClearCacheResponseSchema>;

/** GET /api/health. */
export type HealthResponse = z.infer<typeof HealthResponseSchema>;

/** Limits the UI shares with the audit routes. */
export { AUDIT_PAGE_SIZE, DENIED_MINUTES_MAX } from "../audit/types";

/** Limits the UI shares with the DLQ routes. */
export { EDIT_MESSAGE_MAX_BYTES, PURGE_DAYS_MAX, REDRIVE_RATE_MAX } from "../queues/limits";
export { pathText } from "../queues/path-text";

export type TokenView = z.infer<typeof TokenViewSchema>;
export type TokenList = z.infer<typeof TokensResponseSchema>;
export type CreatedToken = z.infer<typeof CreatedTokenResponseSchema>;

/** GET /api/admin/find: one step of "where is job X?". */
export type FindResponse = z.infer<typeof FindResponseSchema>;
