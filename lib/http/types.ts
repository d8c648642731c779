/** Response shapes of the admin API, declared once and imported by the UI. */
import type { WorkerStatus } from "../health";
import type { DlqMessage, QueueStats, ScheduledRetryView } from "../queues/types";

export type { DlqMessage, QueueStats, ScheduledRetryView, WorkerStatus };

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
