import "server-only";
import { Counter, Gauge, Registry } from "prom-client";
import { readCounters as readCacheCounters } from "../cache/counters";
import { NAMESPACE_NAMES, OTHER } from "../cache/namespaces";
import { statusOf } from "../health";
import { isLive, readHeartbeats } from "../heartbeat";
import { nowSeconds, type EngineContext } from "../queues/context";
import { readCounters } from "../queues/counters";
import { getStats } from "../queues/stats";
import { mergeInfo, readMasterInfos } from "../redis/info";
import { execEachKey } from "../redis/pipeline";
import { isActiveState, taskKeys } from "../tasks/redrive";
import { readRedisSafety, RedisWarningCodeSchema } from "../redis/safety";
import { processMetrics } from "./process-metrics";
import { histogramText, readRuns } from "./worker-runs";
import { knownLastHour } from "./known";
import { readReviews } from "./review";

/**
 * GET /api/metrics in the Prometheus text format: the figures the overview
 * shows, read from Redis at each scrape (the same reads as the dashboard's),
 * and this process's own (event-loop lag, memory, CPU). Labels take only
 * bounded values: queue and cache namespace names from the configuration.
 * Queue figures are the same from every dashboard: scrape one, or drop the
 * `instance` label in queries.
 */

type Labels = Record<string, string>;

/** A gauge in `registry` set to each [labels, value]; null values are left out. */
function gauge(registry: Registry, name: string, help: string, rows: [Labels, number | null][]) {
  const labelNames = Object.keys(rows[0]?.[0] ?? {});
  const g = new Gauge({ name, help, labelNames, registers: [registry] });
  for (const [labels, value] of rows) if (value !== null) g.set(labels, value);
}

/** A counter whose total is kept in Redis (it only grows), exposed as read. */
function counter(registry: Registry, name: string, help: string, rows: [Labels, number][]) {
  const labelNames = Object.keys(rows[0]?.[0] ?? {});
  const c = new Counter({ name, help, labelNames, registers: [registry] });
  for (const [labels, value] of rows) c.inc(labels, Math.max(0, value));
}

type Stats = Awaited<ReturnType<typeof getStats>>[number];

/** Per-queue gauges from the stats the overview shows: [name, help, value]. */
const QUEUE_GAUGES: [string, string, (s: Stats, now: number) => number | null][] = [
  ["redrive_work_messages", "Messages waiting in the work list.", (s) => s.work],
  [
    "redrive_processing_messages",
    "Messages a consumer holds, not yet acknowledged.",
    (s) => s.processing,
  ],
  ["redrive_retry_messages", "Messages scheduled for a retry.", (s) => s.retry],
  ["redrive_retry_due_messages", "Scheduled retries whose time has come.", (s) => s.retryDue],
  [
    "redrive_retry_promotion_lag_seconds",
    "How overdue the most overdue retry is (0 when none is due): grows when no worker promotes.",
    (s, now) => (s.nextRetryAt === null ? 0 : Math.max(0, now - s.nextRetryAt)),
  ],
  ["redrive_dlq_messages", "Dead letters in the DLQ.", (s) => s.dlq],
  [
    "redrive_dlq_oldest_age_seconds",
    "Age of the oldest dead letter with a known failure time.",
    (s) => s.oldestDlqAgeSeconds,
  ],
];

/** Per-queue counters kept in Redis (redrive:metrics:counters): [name, help, field]. */
const QUEUE_COUNTERS = [
  ["redrive_failures_total", "Failures of messages, retried or dead-lettered.", "failed"],
  ["redrive_dead_letters_total", "Messages dead-lettered.", "dlq_in"],
  [
    "redrive_resolved_total",
    "Dead letters an admin requeued or deleted whose failure time is known.",
    "resolved",
  ],
  [
    "redrive_resolved_wait_seconds_total",
    "Summed time resolved dead letters spent in the DLQ.",
    "resolved_wait",
  ],
  [
    "redrive_requeued_total",
    "Dead letters an admin requeued (one, a selection, a group or all).",
    "requeued",
  ],
  ["redrive_deleted_total", "Dead letters an admin deleted.", "deleted"],
  [
    "redrive_retries_promoted_total",
    "Due retries the worker promoted to the work list.",
    "promoted",
  ],
] as const;

async function queueMetrics(registry: Registry, ctx: EngineContext): Promise<void> {
  const [stats, counters, reviews, known] = await Promise.all([
    getStats(ctx),
    readCounters(ctx),
    readReviews(ctx),
    knownLastHour(ctx),
  ]);
  const now = nowSeconds(ctx);
  for (const [name, help, pick] of QUEUE_GAUGES) {
    gauge(
      registry,
      name,
      help,
      stats.map((s) => [{ queue: s.queue }, pick(s, now)]),
    );
  }
  const reviewAge = (q: string) => (reviews[q] ? now - reviews[q]!.at : null);
  const help = "Seconds since an admin last marked the DLQ reviewed.";
  gauge(
    registry,
    "redrive_dlq_review_age_seconds",
    help,
    stats.map((s) => [{ queue: s.queue }, reviewAge(s.queue)]),
  );
  gauge(
    registry,
    "redrive_dlq_known_last_hour_messages",
    "Dead letters of the last hour in error groups an admin marked known (the growth alert leaves them out).",
    stats.map((s) => [{ queue: s.queue }, known.get(s.queue) ?? 0]),
  );
  for (const [name, text, field] of QUEUE_COUNTERS) {
    const rows = ctx.config.QUEUES.map((q): [Labels, number] => [
      { queue: q },
      counters[q]?.[field] ?? 0,
    ]);
    counter(registry, name, text, rows);
  }
}

async function workerMetrics(registry: Registry, ctx: EngineContext): Promise<string> {
  // One read of the heartbeats for the status and the lag alike.
  const [runs, beats] = await Promise.all([readRuns(ctx.redis, ctx.config), readHeartbeats(ctx)]);
  const now = Date.now() / 1000;
  const worker = statusOf(beats, now);
  const help = "Retry worker services whose heartbeat is recent.";
  gauge(registry, "redrive_worker_instances", help, [[{}, worker.instances]]);
  const lags = beats.filter((b) => isLive(b, now)).map((b) => b.eventLoopLagSeconds);
  const lag = lags.filter((l): l is number => typeof l === "number" && Number.isFinite(l));
  const lagHelp =
    "The highest p99 event-loop delay among running workers, over each one's last run interval.";
  gauge(registry, "redrive_worker_event_loop_lag_seconds", lagHelp, [
    [{}, lag.length > 0 ? Math.max(...lag) : null],
  ]);
  const age = "Seconds since the newest worker heartbeat.";
  gauge(registry, "redrive_worker_heartbeat_age_seconds", age, [[{}, worker.lastBeatAgeSeconds]]);
  const runHelp =
    "Duration of the retry worker's runs (promote, recover and purge over every queue).";
  return histogramText("redrive_worker_run_duration_seconds", runHelp, runs);
}

async function cacheMetrics(registry: Registry, ctx: EngineContext): Promise<void> {
  const cache = await readCacheCounters(ctx.cacheRedis ?? ctx.redis, ctx.config);
  // Only the namespaces Redrive knows: the hash is writable by any client, its fields unbounded.
  const known = [...NAMESPACE_NAMES, OTHER].map((ns) => ({
    ns,
    c: cache[ns] ?? { hits: 0, misses: 0 },
  }));
  const hits = known.map(({ ns, c }): [Labels, number] => [{ namespace: ns }, c.hits]);
  const misses = known.map(({ ns, c }): [Labels, number] => [{ namespace: ns }, c.misses]);
  counter(
    registry,
    "redrive_cache_hits_total",
    "Cache reads that found a value, per namespace.",
    hits,
  );
  counter(
    registry,
    "redrive_cache_misses_total",
    "Cache reads that found none, per namespace.",
    misses,
  );
}

/** Keys in every database of an INFO (summed over a Cluster's masters by mergeInfo). */
function keysOf(info: Record<string, string>): number {
  let keys = 0;
  for (const [field, line] of Object.entries(info)) {
    if (/^db\d+$/.test(field)) keys += Number(/keys=(\d+)/.exec(line)?.[1] ?? 0);
  }
  return keys;
}

/** Memory, evictions and keys of one Redis: `redrive_redis_*` for the queues', `redrive_cache_redis_*` for a separate cache's. */
function memoryFigures(
  registry: Registry,
  info: Record<string, string>,
  which: "redis" | "cache_redis",
) {
  const num = (field: string) => Number(info[field] ?? 0) || 0;
  const what = which === "redis" ? "the queue Redis" : "the cache Redis (CACHE_REDIS_URL)";
  const used = `used_memory of ${what} (summed over a Cluster's masters).`;
  gauge(registry, `redrive_${which}_memory_used_bytes`, used, [[{}, num("used_memory")]]);
  const max = `maxmemory of ${what}; 0: no limit.`;
  gauge(registry, `redrive_${which}_memory_max_bytes`, max, [[{}, num("maxmemory")]]);
  const evicted = `Keys ${what} evicted since it started.`;
  counter(registry, `redrive_${which}_evicted_keys_total`, evicted, [[{}, num("evicted_keys")]]);
  gauge(registry, `redrive_${which}_keys`, `Keys in ${what}, every database.`, [
    [{}, keysOf(info)],
  ]);
}

/** Memory, evictions, keys and the safety warnings, from one INFO per master (and the cache Redis's). */
async function redisMetrics(registry: Registry, ctx: EngineContext): Promise<void> {
  const infos = readMasterInfos(ctx.redis);
  const separateCache = ctx.cacheRedis && ctx.cacheRedis !== ctx.redis ? ctx.cacheRedis : null;
  const [info, safety, cacheInfo] = await Promise.all([
    infos.then(mergeInfo),
    readRedisSafety(ctx.redis, infos),
    separateCache ? readMasterInfos(separateCache).then(mergeInfo) : null,
  ]);
  memoryFigures(registry, info, "redis");
  if (cacheInfo) memoryFigures(registry, cacheInfo, "cache_redis");
  const codes = new Set(safety.warnings.map((w) => w.code));
  const rows = RedisWarningCodeSchema.options.map((code): [Labels, number] => [
    { code },
    codes.has(code) ? 1 : 0,
  ]);
  const help = "1 while the queue Redis has this safety warning (the dashboard's banner shows it).";
  gauge(registry, "redrive_redis_warning", help, rows);
}

/** Whether each queue has a requeue-all or delete-all task not yet finished: one HGET per task hash. */
async function taskMetrics(registry: Registry, ctx: EngineContext): Promise<void> {
  const perQueue = ctx.config.QUEUES.map((q) => taskKeys(ctx.config, q));
  const states = await execEachKey(ctx.redis, perQueue.flat(), (p, key) => p.hget(key, "state"));
  let next = 0;
  const rows = perQueue.map((keys, i): [Labels, number] => {
    const active = states.slice(next, (next += keys.length)).some(isActiveState);
    return [{ queue: ctx.config.QUEUES[i]! }, active ? 1 : 0];
  });
  const help =
    "Requeue-all or delete-all tasks pending, running or cancelling, per queue (0 or 1).";
  gauge(registry, "redrive_tasks_running", help, rows);
}

/** The content type of the Prometheus text format that prom-client writes. */
export const METRICS_CONTENT_TYPE = Registry.PROMETHEUS_CONTENT_TYPE;

/**
 * The figures read from Redis, as exposition text: the same for every
 * dashboard replica, and the costly part of a scrape (one pipelined read per
 * queue, one INFO per master, a few small hashes).
 */
export async function renderRedisFigures(ctx: EngineContext): Promise<string> {
  const registry = new Registry();
  const [, runs] = await Promise.all([
    queueMetrics(registry, ctx),
    workerMetrics(registry, ctx),
    cacheMetrics(registry, ctx),
    redisMetrics(registry, ctx),
    taskMetrics(registry, ctx),
  ]);
  return (await registry.metrics()) + runs;
}

/** This process's own figures (Node, HTTP latency, Redis errors answered), read fresh. */
export function renderProcessFigures(): Promise<string> {
  return processMetrics().registry.metrics();
}
