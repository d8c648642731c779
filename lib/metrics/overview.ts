import "server-only";
import { readInfo } from "../redis/info";
import { workerStatus } from "../health";
import { nowSeconds, type EngineContext } from "../queues/context";
import { getStats } from "../queues/stats";
import { alertsOf, growthPerHour } from "./alerts";
import { readCounters } from "../queues/counters";
import { dlqAt, firstDlq, readSamples, type StoredSample } from "./history";
import { knownSince } from "./known";
import { readReviews } from "./review";
import type { OverviewResponse } from "./types";

/** Points in a card's sparkline. */
const TREND_POINTS = 30;

/** The overview's cards: counts, alerts, trend, review and resolution time per queue. */
export async function buildOverview(ctx: EngineContext): Promise<OverviewResponse> {
  const [stats, worker, history, reviews, counters, info] = await Promise.all([
    getStats(ctx),
    workerStatus(ctx),
    hourOfSamples(ctx),
    readReviews(ctx),
    readCounters(ctx),
    readInfo(ctx.redis),
  ]);
  const now = nowSeconds(ctx);
  // Each queue's first sample of the hour: where its growth, and the known failures left out of it, start.
  const firsts = new Map(stats.map((s) => [s.queue, firstDlq(history, s.queue)]));
  const since = (queue: string) => firsts.get(queue)?.t ?? now - 3600;
  const known = await knownSince(ctx, since);
  const knownPerHour = (queue: string) =>
    ((known.get(queue) ?? 0) * 3600) / Math.max(300, now - since(queue));
  const server = info;
  const trendSamples = sparkline(history);
  const queues = stats.map((s) => {
    const growth = growthPerHour(firsts.get(s.queue) ?? null, s.dlq, now);
    const c = counters[s.queue]!;
    return {
      ...s,
      dlqGrowthPerHour: growth,
      alerts: alertsOf(s, ctx.config.alerts[s.queue]!, growth, knownPerHour(s.queue)),
      trend: dlqAt(trendSamples, s.queue),
      review: reviews[s.queue] ?? null,
      resolved: {
        count: c.resolved,
        meanWaitSeconds: c.resolved > 0 ? c.resolved_wait / c.resolved : null,
      },
    };
  });
  return {
    generatedAt: Date.now() / 1000,
    queues,
    alerts: queues.flatMap((q) => q.alerts),
    worker,
    redis: {
      version: server.redis_version ?? "?",
      usedMemory: Number(server.used_memory) || 0,
      maxMemory: Number(server.maxmemory) || 0,
      uptimeSeconds: Number(server.uptime_in_seconds) || 0,
    },
  };
}

/** The last hour's samples: only the DLQ lengths are read, so no chart points are built. */
async function hourOfSamples(ctx: EngineContext): Promise<StoredSample[]> {
  const { since, samples } = await readSamples(ctx, "1h");
  return samples.filter((s) => s.t >= since);
}

/** At most TREND_POINTS evenly spaced items, and the last one. */
function sparkline<T>(values: T[]): T[] {
  if (values.length <= TREND_POINTS) return values;
  const step = values.length / TREND_POINTS;
  return Array.from({ length: TREND_POINTS }, (_, i) => values[Math.floor(i * step)]!).concat(
    values[values.length - 1]!,
  );
}
