import "server-only";
import { readInfo } from "../redis/info";
import { readCounters as readCacheCounters } from "../cache/counters";
import { keysOf, nowSeconds, sleep, type EngineContext } from "../queues/context";
import { execBySlot } from "../redis/pipeline";
import type { ChainableCommander } from "ioredis";
import { runScript } from "../redis/scripts";
import { readCounters } from "../queues/counters";
import type { HistoryPoint, HistoryResponse, HistoryWindow, QueuePoint } from "./types";
import { WINDOW_STEP_SECONDS } from "./types";
import { ownKey, type KeyPrefix } from "../own-keys";

/**
 * Metrics history: the worker service samples every METRICS_SAMPLE_SECONDS and
 * appends each sample to three capped lists, one per chart window:
 *
 *   redrive:metrics:10s   a sample per 10 s bucket, 360 kept (1 hour)
 *   redrive:metrics:2m    a sample per 2 min bucket, 720 kept (24 hours)
 *   redrive:metrics:15m   a sample per 15 min bucket, 700 kept (7 days and a bit)
 *
 * Downsampling is keeping the first sample of each bucket: samples carry
 * lengths (gauges) and ever-growing counters, so the rate between any two kept
 * samples is still exact (a difference of counters over the time between).
 */
export interface Tier {
  key: string;
  stepSeconds: number;
  keep: number;
}

/** The three tiers, their keys under REDRIVE_KEY_PREFIX. */
export function tiers(config: KeyPrefix): Record<HistoryWindow, Tier> {
  return {
    "1h": tier(config, "10s", "1h", 360),
    "24h": tier(config, "2m", "24h", 720),
    "7d": tier(config, "15m", "7d", 700),
  };
}

function tier(config: KeyPrefix, name: string, window: HistoryWindow, keep: number): Tier {
  return { key: ownKey(config, `metrics:${name}`), stepSeconds: WINDOW_STEP_SECONDS[window], keep };
}

const WINDOW_SECONDS: Record<HistoryWindow, number> = { "1h": 3600, "24h": 86_400, "7d": 604_800 };

/** One sample as stored: short names and arrays, since 7 days of them are read at once. */
export interface StoredSample {
  t: number;
  /** queue -> [work, processing, retry, dlq, failed, dlq_in, resolved, resolved_wait] */
  q: Record<string, number[]>;
  /** The cache Redis's keyspace [hits, misses] since it started (CACHE_REDIS_URL, else the queues'). */
  ks: [number, number];
  /** Redrive cache [hits, misses] over every namespace (redrive:cache:stats). */
  c: [number, number];
  /** [used_memory, maxmemory] */
  m: [number, number];
}

/** Reads what a sample holds: every queue's lengths and counters, cache counters, memory. */
export async function takeSample(ctx: EngineContext): Promise<StoredSample> {
  const lengthsOf = ctx.config.QUEUES.map((queue) => {
    const k = keysOf(ctx, queue);
    return {
      key: k.dlq,
      add: (p: ChainableCommander) => p.llen(k.work).llen(k.processing).zcard(k.retry).llen(k.dlq),
    };
  });
  // Hit rates are the cache's: its own Redis when CACHE_REDIS_URL names one.
  const cacheRedis = ctx.cacheRedis ?? ctx.redis;
  const [lengths, memory, stats, counters, cache] = await Promise.all([
    execBySlot(ctx.redis, lengthsOf),
    readInfo(ctx.redis, "memory"),
    readInfo(cacheRedis, "stats"),
    readCounters(ctx),
    readCacheCounters(cacheRedis, ctx.config),
  ]);
  const q: StoredSample["q"] = {};
  ctx.config.QUEUES.forEach((queue, i) => {
    const c = counters[queue]!;
    q[queue] = [...(lengths[i] as number[]), c.failed, c.dlq_in, c.resolved, c.resolved_wait];
  });
  const cacheTotals = Object.values(cache).reduce(
    (a, b) => [a[0] + b.hits, a[1] + b.misses] as [number, number],
    [0, 0] as [number, number],
  );
  return {
    t: Math.floor(nowSeconds(ctx)),
    q,
    ks: [Number(stats.keyspace_hits) || 0, Number(stats.keyspace_misses) || 0],
    c: cacheTotals,
    m: [Number(memory.used_memory) || 0, Number(memory.maxmemory) || 0],
  };
}

/** Appends a sample to every tier whose current bucket has none yet; returns the tiers written. */
export async function recordSample(ctx: EngineContext, sample: StoredSample): Promise<number> {
  let written = 0;
  for (const tier of Object.values(tiers(ctx.config))) {
    const bucket = sample.t - (sample.t % tier.stepSeconds);
    // "t" first and set to the bucket: pushSample reads it from the head entry's text.
    const text = JSON.stringify({ ...sample, t: bucket });
    written += Number(
      await runScript(ctx.redis, "pushSample", [tier.key], [bucket, text, tier.keep]),
    );
  }
  return written;
}

/**
 * Parsed samples by their stored text, per tier. A sample is appended once
 * and never changed, so each is parsed once while it stays in its list: at
 * 100 queues the hour's list is 1.4 MB of JSON, and every overview poll reads
 * it. Each read keeps only the texts it saw, so a tier's memo is never larger
 * than its list. The samples are shared between reads: nothing may change them.
 */
const parsedTexts = new Map<string, Map<string, StoredSample | null>>();

/** The stored samples of one chart window (and the one just before it), oldest first. */
export async function readSamples(
  ctx: EngineContext,
  window: HistoryWindow,
): Promise<{ tier: Tier; since: number; samples: StoredSample[] }> {
  const tier = tiers(ctx.config)[window];
  const raw = await ctx.redis.lrange(tier.key, 0, tier.keep - 1);
  const known = parsedTexts.get(tier.key);
  const seen = new Map<string, StoredSample | null>();
  for (const text of raw) seen.set(text, known?.has(text) ? known.get(text)! : parseSample(text));
  parsedTexts.set(tier.key, seen);
  const since = nowSeconds(ctx) - WINDOW_SECONDS[window];
  const samples = raw
    .map((text) => seen.get(text)!)
    .filter((s): s is StoredSample => s !== null && s.t >= since - tier.stepSeconds)
    .reverse();
  return { tier, since, samples };
}

/** The points of one chart window, oldest first. */
export async function readHistory(
  ctx: EngineContext,
  window: HistoryWindow,
): Promise<HistoryResponse> {
  const { tier, since, samples } = await readSamples(ctx, window);
  const points = samples.map((s, i) => toPoint(s, i > 0 ? samples[i - 1]! : null));
  return { window, stepSeconds: tier.stepSeconds, points: points.filter((p) => p.t >= since) };
}

/** Index of the DLQ length in a stored sample's queue row. */
const DLQ = 3;

/** A queue's DLQ length at the hour's first sample that has the queue, or null when none has. */
export function firstDlq(
  samples: StoredSample[],
  queue: string,
): { t: number; dlq: number } | null {
  const first = samples.find((s) => s.q[queue] !== undefined);
  return first ? { t: first.t, dlq: first.q[queue]![DLQ]! } : null;
}

/** A queue's DLQ length at each of the given samples (0 where a sample lacks the queue). */
export function dlqAt(samples: StoredSample[], queue: string): number[] {
  return samples.map((s) => s.q[queue]?.[DLQ] ?? 0);
}

/** A stored sample, or null for anything else in the list (another writer, an older format). */
function parseSample(text: string): StoredSample | null {
  try {
    const s = JSON.parse(text) as Partial<StoredSample>;
    const pair = (v: unknown) => Array.isArray(v) && v.length === 2 && v.every(Number.isFinite);
    const queuesOk =
      typeof s.q === "object" &&
      s.q !== null &&
      Object.values(s.q).every(
        (v) => Array.isArray(v) && v.length === 8 && v.every(Number.isFinite),
      );
    return typeof s.t === "number" && queuesOk && pair(s.ks) && pair(s.c) && pair(s.m)
      ? (s as StoredSample)
      : null;
  } catch {
    return null;
  }
}

function toPoint(s: StoredSample, prev: StoredSample | null): HistoryPoint {
  const minutes = prev ? (s.t - prev.t) / 60 : 0;
  const queues: Record<string, QueuePoint> = {};
  for (const [queue, v] of Object.entries(s.q)) {
    const p = prev?.q[queue];
    const perMin = (i: number) => {
      if (!p || minutes <= 0) return null;
      const d = v[i]! - p[i]!;
      return d < 0 ? null : d / minutes;
    };
    // Another producer's dead-letters do not count: the DLQ's growth is a floor.
    const grew = p ? Math.max(0, v[3]! - p[3]!) / (minutes || 1) : null;
    const dlqIn = perMin(5);
    queues[queue] = {
      work: v[0]!,
      processing: v[1]!,
      retry: v[2]!,
      dlq: v[3]!,
      failedPerMin: perMin(4),
      dlqInPerMin: dlqIn === null ? grew : Math.max(dlqIn, grew ?? 0),
    };
  }
  return {
    t: s.t,
    queues,
    hitRate: ratio(s.ks, prev?.ks),
    cacheHitRate: ratio(s.c, prev?.c),
    usedMemory: s.m[0],
    maxMemory: s.m[1],
  };
}

function ratio(now: [number, number], before?: [number, number]): number | null {
  if (!before) return null;
  const hits = now[0] - before[0];
  const misses = now[1] - before[1];
  if (hits < 0 || misses < 0 || hits + misses === 0) return null;
  return hits / (hits + misses);
}

/** Samples until the signal aborts, every METRICS_SAMPLE_SECONDS; a failed sample is skipped. */
export async function metricsLoop(
  ctx: EngineContext,
  signal: AbortSignal,
  onError: (error: unknown) => void = () => undefined,
): Promise<void> {
  while (!signal.aborted) {
    try {
      await recordSample(ctx, await takeSample(ctx));
    } catch (error) {
      onError(error);
    }
    await sleep(ctx.config.METRICS_SAMPLE_SECONDS * 1000, signal);
  }
}
