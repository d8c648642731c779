import { ownKey, type KeyPrefix } from "../own-keys";
import type { EngineContext } from "./context";

/**
 * Per-queue event counters that queue lengths alone cannot give: failures,
 * arrivals in the DLQ and how long resolved DLQ entries had waited.
 *
 *   HASH redrive:metrics:counters
 *     "<queue>:failed"        failures (retried or dead-lettered)
 *     "<queue>:dlq_in"        messages dead-lettered
 *     "<queue>:resolved"      DLQ entries an admin requeued or deleted (one, selected, a group,
 *                             or all: a redrive task estimates each batch's wait from its ends)
 *     "<queue>:resolved_wait" their summed time in the DLQ, seconds
 *     "<queue>:requeued"      DLQ entries an admin requeued, dated or not
 *     "<queue>:deleted"       DLQ entries an admin deleted, dated or not
 *     "<queue>:promoted"      due retries promoted to the work list
 *
 * Counters only grow; the metrics history samples them and takes differences.
 * Another producer's writes do not count here: the history falls back on the
 * DLQ's length for those (see lib/metrics/history.ts). The engine writes them,
 * so they live here and lib/metrics only reads them: imports go one way.
 */
export const metricsCountersKey = (c: KeyPrefix) => ownKey(c, "metrics:counters");

export const COUNTERS = [
  "failed",
  "dlq_in",
  "resolved",
  "resolved_wait",
  "requeued",
  "deleted",
  "promoted",
] as const;
export type CounterName = (typeof COUNTERS)[number];
export type QueueCounters = Record<CounterName, number>;

/** Counts one failure of a message of `queue`, dead-lettered or not. */
export async function countFailure(
  ctx: EngineContext,
  queue: string,
  deadLettered: boolean,
): Promise<void> {
  const pipeline = ctx.redis
    .pipeline()
    .hincrby(metricsCountersKey(ctx.config), `${queue}:failed`, 1);
  if (deadLettered) pipeline.hincrby(metricsCountersKey(ctx.config), `${queue}:dlq_in`, 1);
  await pipeline.exec();
}

/** Counts retries the worker promoted; best effort (a lost count loses no message). */
export async function countPromoted(ctx: EngineContext, queue: string, n: number): Promise<void> {
  if (n <= 0) return;
  await ctx.redis.hincrby(metricsCountersKey(ctx.config), `${queue}:promoted`, n).catch(() => 0);
}

/** What an admin's move resolved: every entry moved, and those whose failure time is known. */
export interface Resolved {
  mode: "requeue" | "delete";
  moved: number;
  /** Entries with a known failure time, and their summed time in the DLQ. */
  dated: number;
  waitSeconds: number;
}

/**
 * Counts DLQ entries an admin requeued or deleted (all of them), and among
 * them the resolved ones with their summed time in the DLQ (entries whose
 * failure time is unknown are left out of both), in one round trip.
 */
export async function countResolved(ctx: EngineContext, queue: string, r: Resolved): Promise<void> {
  if (r.moved <= 0) return;
  const key = metricsCountersKey(ctx.config);
  const kind = r.mode === "requeue" ? "requeued" : "deleted";
  const pipeline = ctx.redis.pipeline().hincrby(key, `${queue}:${kind}`, r.moved);
  if (r.dated > 0) {
    pipeline
      .hincrby(key, `${queue}:resolved`, r.dated)
      .hincrby(key, `${queue}:resolved_wait`, Math.max(0, Math.round(r.waitSeconds)));
  }
  await pipeline.exec();
}

/** Every queue's counters (one HMGET of known fields: the hash is bounded by the queue list). */
export async function readCounters(ctx: EngineContext): Promise<Record<string, QueueCounters>> {
  const queues = ctx.config.QUEUES;
  const fields = queues.flatMap((q) => COUNTERS.map((c) => `${q}:${c}`));
  const values = await ctx.redis.hmget(metricsCountersKey(ctx.config), ...fields);
  const out: Record<string, QueueCounters> = {};
  queues.forEach((q, i) => {
    const row = {} as QueueCounters;
    COUNTERS.forEach((c, j) => (row[c] = Number(values[i * COUNTERS.length + j] ?? 0) || 0));
    out[q] = row;
  });
  return out;
}
