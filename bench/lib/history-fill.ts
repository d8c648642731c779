import { recordSample, type StoredSample } from "../../lib/metrics/history";
import { WINDOW_STEP_SECONDS } from "../../lib/metrics/types";
import { metricsCountersKey } from "../../lib/queues/counters";
import type { EngineContext } from "../../lib/queues/context";

/**
 * An hour of metrics history, as the worker service would have sampled it
 * while the DLQs filled: written through recordSample (so every tier gets its
 * buckets exactly as in production), one sample per METRICS step, each DLQ
 * growing evenly to its final size, work and retry lengths and the cache's
 * counters moving as under steady traffic.
 */
const STEP = WINDOW_STEP_SECONDS["1h"];

function wave(t: number, period: number, phase: number): number {
  return Math.sin((2 * Math.PI * t) / period + phase);
}

/** The sample at `t`, `f` of the way through the hour (0..1]. */
function sampleAt(
  t: number,
  f: number,
  sizes: Record<string, number>,
  usedMemory: number,
): StoredSample {
  const q: StoredSample["q"] = {};
  Object.entries(sizes).forEach(([queue, size], i) => {
    const dlq = Math.round(size * f);
    const failed = Math.round(dlq * 1.4);
    q[queue] = [
      Math.max(0, Math.round(40 + 30 * wave(t, 900, i))),
      3 + (i % 3),
      Math.max(0, Math.round(25 + 15 * wave(t, 600, i + 1))),
      dlq,
      failed,
      dlq,
      0,
      0,
    ];
  });
  const reads = Math.round(f * 3600 * 500);
  return {
    t,
    q,
    ks: [Math.round(reads * 0.9), Math.round(reads * 0.1)],
    c: [Math.round(reads * 0.88), Math.round(reads * 0.12)],
    m: [Math.round(usedMemory * (0.05 + 0.95 * f)), 0],
  };
}

/** Writes the samples of the last `seconds` (ending now) and the counters they end on. */
export async function fillHistory(
  ctx: EngineContext,
  sizes: Record<string, number>,
  seconds = 3600,
): Promise<number> {
  const info = await ctx.redis.info("memory");
  const used = Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0);
  const end = Math.floor(Date.now() / 1000);
  const start = end - seconds;
  let written = 0;
  let last: StoredSample | undefined;
  for (let t = start + STEP; t <= end; t += STEP) {
    last = sampleAt(t, (t - start) / seconds, sizes, used);
    await recordSample(ctx, last);
    written++;
  }
  if (last) {
    const counters = Object.entries(last.q).flatMap(([queue, v]) => [
      [`${queue}:failed`, v[4]!],
      [`${queue}:dlq_in`, v[5]!],
    ]);
    await ctx.redis.hset(metricsCountersKey(ctx.config), Object.fromEntries(counters));
  }
  return written;
}
