/** Response shapes of the admin API, declared once and imported by the UI. */
import type { AuditEntry, AuditPage } from "../audit/audit";
import type { DeniedRow, DeniedSummary } from "../audit/denied";
import type { CacheOverview, NamespaceStats, TopKey } from "../cache/types";
import type { WorkerStatus } from "../health";
import type { DlqMessage, QueueStats, ScheduledRetryView } from "../queues/types";

export type { DlqMessage, QueueStats, ScheduledRetryView, WorkerStatus };
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

/** DELETE /api/admin/cache/clear: keys deleted per namespace, and their sum. */
export interface ClearCacheResponse {
  deleted: Record<string, number>;
  count: number;
}

/** Limits the UI shares with the audit routes. */
export { AUDIT_PAGE_SIZE, DENIED_MINUTES_MAX } from "../audit/types";
