import "server-only";
import type { Config } from "../config";
import { ownKey, type KeyPrefix } from "../own-keys";
import type { RedisClient } from "../redis/client";

/**
 * How long the retry worker's runs take (promote, recover, purge over every
 * queue), as a Prometheus histogram kept in Redis: workers have no HTTP port
 * to scrape, so each run adds itself here and every dashboard exposes the
 * sums on /api/metrics.
 *
 *   HASH redrive:metrics:worker_runs
 *     "le:<bound>"  runs that took at most <bound> seconds and more than the bound before
 *     "le:+Inf"     longer runs
 *     "count"       every run
 *     "sum_ms"      their summed duration, milliseconds
 */
export const workerRunsKey = (c: KeyPrefix) => ownKey(c, "metrics:worker_runs");

/** Upper bounds in seconds; a run over every queue usually takes a few ms. */
export const RUN_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] as const;

const bucketField = (seconds: number) => `le:${RUN_BUCKETS.find((b) => seconds <= b) ?? "+Inf"}`;
const FIELDS = [...RUN_BUCKETS.map((b) => `le:${b}`), "le:+Inf", "count", "sum_ms"];

/** Adds one run; best effort (a lost figure loses no message). */
export async function countRun(redis: RedisClient, config: Config, ms: number): Promise<void> {
  const key = workerRunsKey(config);
  await redis
    .pipeline()
    .hincrby(key, bucketField(ms / 1000), 1)
    .hincrby(key, "count", 1)
    .hincrby(key, "sum_ms", Math.round(ms))
    .exec()
    .catch(() => undefined);
}

export interface RunHistogram {
  /** [upper bound, runs at most that long] ascending, cumulative, ending with +Inf. */
  buckets: [string, number][];
  count: number;
  sumSeconds: number;
}

export async function readRuns(redis: RedisClient, config: Config): Promise<RunHistogram> {
  const values = (await redis.hmget(workerRunsKey(config), ...FIELDS)).map((v) => Number(v) || 0);
  let cumulative = 0;
  const bounds = [...RUN_BUCKETS.map(String), "+Inf"];
  const buckets = bounds.map((le, i): [string, number] => [le, (cumulative += values[i]!)]);
  return {
    buckets,
    count: values[bounds.length]!,
    sumSeconds: values[bounds.length + 1]! / 1000,
  };
}

/** The histogram in the Prometheus text format (prom-client observes values; this one is read). */
export function histogramText(name: string, help: string, h: RunHistogram): string {
  return [
    `# HELP ${name} ${help}`,
    `# TYPE ${name} histogram`,
    ...h.buckets.map(([le, n]) => `${name}_bucket{le="${le}"} ${n}`),
    `${name}_sum ${h.sumSeconds}`,
    `${name}_count ${h.count}`,
    "",
  ].join("\n");
}
