/** Response shapes of the admin API, declared once and imported by the UI. */
import type { AuditEntry, AuditPage } from "../audit/audit";
import type { DeniedRow, DeniedSummary } from "../audit/denied";
import type { CacheOverview, NamespaceStats, TopKey } from "../cache/types";
import type { WorkerStatus } from "../health";
import type { ReviewMark } from "../metrics/types";
import type {
  DlqMessage,
  ErrorGroup,
  ErrorGroups,
  QueueStats,
  ScheduledRetryView,
} from "../queues/types";
import type { RedriveTask, TaskState } from "../tasks/redrive";

export type { DlqMessage, QueueStats, ScheduledRetryView, WorkerStatus };
export type { ErrorGroup, ErrorGroups, RedriveTask, ReviewMark, TaskState };
export type { AuditEntry, AuditPage, DeniedRow, DeniedSummary };
export type { CacheOverview, NamespaceStats, TopKey };

export interface DlqStatsResponse {
  queues: QueueStats[];
  worker: WorkerStatus;
}

export interface DlqPageResponse {
  queue: string;
  total: number;
  offset: number;
  limit: number;
  messages: DlqMessage[];
  /**
   * With q=: how many entries the filter looked at, from `offset`, and whether
   * it reached the end (false also when the byte budget stopped it).
   */
  filter?: { q: string; scanned: number; complete: boolean; nextOffset: number | null };
}

export interface DlqMessageResponse {
  queue: string;
  message: DlqMessage;
}

export interface RequeueResponse {
  moved: string[];
  missing: string[];
}

export interface RetryPageResponse {
  queue: string;
  total: number;
  offset: number;
  limit: number;
  retries: ScheduledRetryView[];
}

/** GET /api/admin/errors/[queue]. */
export interface ErrorGroupsResponse extends ErrorGroups {
  queue: string;
}

/** GET /api/admin/dlq/[queue]/tasks: the current or last task, null when there was none. */
export interface TaskResponse {
  task: RedriveTask | null;
}

/** POST /api/admin/dlq/[queue]/tasks and .../tasks/cancel: the task as it now stands. */
export interface TaskStartedResponse {
  task: RedriveTask;
}

/** POST /api/admin/dlq/[queue]/purge. */
export interface PurgeResponse {
  purged: number;
}

/** POST /api/admin/retry/[queue]/now: how many scheduled retries went to the work queue. */
export interface RetryNowResponse {
  moved: number;
}

/** GET /api/admin/review/[queue]. */
export interface ReviewResponse {
  queue: string;
  review: ReviewMark | null;
}

/** POST /api/admin/review/[queue]. */
export interface ReviewedResponse {
  queue: string;
  review: ReviewMark;
}

/** POST /api/session/activity and /api/session/end-all. */
export interface OkResponse {
  ok: true;
}

/** DELETE /api/admin/cache/clear: keys deleted per namespace, and their sum. */
export interface ClearCacheResponse {
  deleted: Record<string, number>;
  count: number;
}

/** Limits the UI shares with the audit routes. */
export { AUDIT_PAGE_SIZE, DENIED_MINUTES_MAX } from "../audit/types";

/** Limits the UI shares with the DLQ routes. */
export { PURGE_DAYS_MAX, REDRIVE_RATE_MAX } from "../queues/limits";
