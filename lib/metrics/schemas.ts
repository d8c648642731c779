import { z } from "zod";
import { WorkerStatusSchema } from "../health-schemas";
import { ErrorGroupSchema, QueueStatsSchema } from "../queues/schemas";
import { WINDOWS } from "./windows";

/**
 * Response shapes of the metrics history and the overview, declared once
 * (./types.ts infers the types from them). Strict objects: an undeclared field
 * is a mismatch when REDRIVE_CHECK_RESPONSES is on. A bound beyond the type
 * (integer, at least 0) is declared only where the code guarantees it whatever
 * Redis holds: history points come from stored samples that are only checked
 * to be numbers, so their figures are plain numbers.
 */

const count = z.number().int().nonnegative();
const ratio = z.number().min(0).max(1).nullable();

export const QueuePointSchema = z.strictObject({
  work: z.number(),
  processing: z.number(),
  retry: z.number(),
  dlq: z.number(),
  failedPerMin: z
    .number()
    .nullable()
    .describe(
      "Failures a minute since the previous point; null where it cannot be told (first point, reset).",
    ),
  dlqInPerMin: z
    .number()
    .nullable()
    .describe("Messages dead-lettered a minute since the previous point."),
});

export const HistoryPointSchema = z.strictObject({
  t: z.number().describe("Epoch seconds."),
  queues: z.record(z.string(), QueuePointSchema).describe("Per queue name."),
  hitRate: ratio.describe(
    "The cache Redis's keyspace hits / (hits + misses) since the previous point (CACHE_REDIS_URL, else REDIS_URL).",
  ),
  cacheHitRate: ratio.describe(
    "Redrive cache's own hits / (hits + misses) since the previous point.",
  ),
  usedMemory: z.number(),
  maxMemory: z.number().describe("0 means no limit."),
});

export const HistoryResponseSchema = z.strictObject({
  window: z.enum(WINDOWS),
  stepSeconds: z.number().positive().describe("Seconds between two points."),
  points: z.array(HistoryPointSchema).describe("Oldest first."),
});

export const QueueAlertSchema = z.strictObject({
  queue: z.string(),
  kind: z.enum(["dlq_size", "dlq_growth", "dlq_age"]),
  value: z.number(),
  threshold: z.number(),
  message: z.string(),
});

export const ReviewMarkSchema = z.strictObject({
  at: z.number().describe("Epoch seconds."),
  by: z.string().describe("The admin who marked it."),
});

export const QueueOverviewSchema = QueueStatsSchema.extend({
  dlqGrowthPerHour: z
    .number()
    .nullable()
    .describe("DLQ growth over the last hour (null with under 5 minutes of history)."),
  alerts: z.array(QueueAlertSchema),
  trend: z
    .array(z.number())
    .describe("DLQ length over the last hour, oldest first, for the card's sparkline."),
  review: ReviewMarkSchema.nullable(),
  resolved: z
    .strictObject({ count: z.number(), meanWaitSeconds: z.number().nullable() })
    .describe(
      "DLQ entries admins requeued or deleted one by one or selected, and their mean wait.",
    ),
});

export const OverviewResponseSchema = z.strictObject({
  generatedAt: z.number().describe("Epoch seconds."),
  queues: z.array(QueueOverviewSchema),
  alerts: z.array(QueueAlertSchema),
  worker: WorkerStatusSchema,
  redis: z.strictObject({
    version: z.string(),
    usedMemory: count,
    maxMemory: count,
    uptimeSeconds: count,
  }),
});

export const QueueInsightsSchema = z.strictObject({
  queue: z.string(),
  scanned: count.describe("Entries looked at, newest first (bounded)."),
  total: count,
  topErrors: z.array(ErrorGroupSchema),
  averageRetryCount: z.number().nonnegative().nullable(),
  sinceReview: z
    .strictObject({
      count,
      atLeast: z.boolean().describe("The count stopped at its bound: at least this many."),
      newGroups: z.array(ErrorGroupSchema),
    })
    .nullable()
    .describe(
      "Since the last review: entries that failed after it (counted up to a bound), and new groups; null before the first review.",
    ),
});

export const InsightsResponseSchema = z.strictObject({
  queues: z.array(QueueInsightsSchema),
  computedAt: z
    .number()
    .describe(
      "When these figures were computed, epoch seconds: a heavy read, shared by every dashboard and computed at most every 30 s.",
    ),
});
