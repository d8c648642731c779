/** Response shapes of the metrics history and the overview, shared by the API and the UI. */

export const WINDOWS = ["1h", "24h", "7d"] as const;
export type HistoryWindow = (typeof WINDOWS)[number];

/** Seconds between two points of a window's chart: one sample per bucket of this size is kept. */
export const WINDOW_STEP_SECONDS: Record<HistoryWindow, number> = {
  "1h": 10,
  "24h": 120,
  "7d": 900,
};

export interface QueuePoint {
  work: number;
  processing: number;
  retry: number;
  dlq: number;
  /** Failures a minute since the previous point; null where it cannot be told (first point, reset). */
  failedPerMin: number | null;
  /** Messages dead-lettered a minute since the previous point. */
  dlqInPerMin: number | null;
}

export interface HistoryPoint {
  /** Epoch seconds. */
  t: number;
  queues: Record<string, QueuePoint>;
  /** Redis keyspace hits / (hits + misses) since the previous point. */
  hitRate: number | null;
  /** Redrive cache's own hits / (hits + misses) since the previous point. */
  cacheHitRate: number | null;
  usedMemory: number;
  /** 0 means no limit. */
  maxMemory: number;
}

export interface HistoryResponse {
  window: HistoryWindow;
  stepSeconds: number;
  points: HistoryPoint[];
}

export interface QueueAlert {
  queue: string;
  kind: "dlq_size" | "dlq_growth" | "dlq_age";
  value: number;
  threshold: number;
  message: string;
}

export interface ReviewMark {
  /** Epoch seconds. */
  at: number;
  by: string;
}

import type { ErrorGroup, QueueStats } from "../queues/types";
import type { WorkerStatus } from "../health";

export interface QueueOverview extends QueueStats {
  /** DLQ growth over the last hour (null with under 5 minutes of history). */
  dlqGrowthPerHour: number | null;
  alerts: QueueAlert[];
  /** DLQ length over the last hour, oldest first, for the card's sparkline. */
  trend: number[];
  review: ReviewMark | null;
  /** DLQ entries admins requeued or deleted one by one or selected, and their mean wait. */
  resolved: { count: number; meanWaitSeconds: number | null };
}

export interface OverviewResponse {
  generatedAt: number;
  queues: QueueOverview[];
  alerts: QueueAlert[];
  worker: WorkerStatus;
  redis: { version: string; usedMemory: number; maxMemory: number; uptimeSeconds: number };
}

export interface QueueInsights {
  queue: string;
  /** Entries looked at, newest first (bounded). */
  scanned: number;
  total: number;
  topErrors: ErrorGroup[];
  averageRetryCount: number | null;
  /** Since the last review: entries that failed after it (counted up to a bound), and new groups. */
  sinceReview: { count: number; atLeast: boolean; newGroups: ErrorGroup[] } | null;
}

export interface InsightsResponse {
  queues: QueueInsights[];
}
