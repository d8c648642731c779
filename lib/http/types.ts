/** Response shapes of the admin API, declared once and imported by the UI. */
import type { WorkerStatus } from "../health";
import type { DlqMessage, QueueStats } from "../queues/types";

export type { DlqMessage, QueueStats, WorkerStatus };

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
  /** With q=: how many entries the filter looked at, from `offset`, and whether it reached the end. */
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

export interface ScheduledRetryView {
  /** Position when listed, soonest first. */
  rank: number;
  identity: string;
  /** Due time, epoch seconds. */
  due: number;
  raw: string;
  bytes: number;
  retryCount: number;
}

export interface RetryPageResponse {
  queue: string;
  total: number;
  offset: number;
  limit: number;
  retries: ScheduledRetryView[];
}
