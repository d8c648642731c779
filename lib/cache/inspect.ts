import "server-only";
import type Redis from "ioredis";
import { masters, type RedisClient } from "../redis/client";
import { keyCount } from "../redis/keyspace";
import type { Config } from "../config";
import { readInfo } from "../redis/info";
import { permissionDenialOf } from "../redis/errors";
import { isRedriveKey } from "../queues/keys";
import { readCounters } from "./counters";
import { NAMESPACE_NAMES, NAMESPACES, namespaceOf, OTHER, type Namespace } from "./namespaces";
import type { CacheOverview, NamespaceStats, ServerCacheStats, TopKey } from "./types";

/**
 * What the dashboard's cache page shows. Everything here is read without
 * touching cache keys in a way Redis counts as a hit or miss: INFO, SCAN and
 * MEMORY USAGE only (TYPE, TTL and EXISTS count, and would distort the hit rate
 * shown beside them).
 */

/**
 * The SCAN + MEMORY USAGE sample behind the per-namespace figures: at most
 * `keys` keys, at most `timeMs` of sampling, and taken at most once per
 * `maxAgeSeconds` per process, shared by every viewer (the page polls every
 * 5 s). The INFO figures beside it are read fresh on every call.
 */
export const CACHE_SAMPLE = { keys: 10_000, timeMs: 1_000, maxAgeSeconds: 60 } as const;
const TOP_KEYS = 20;
/** Keys per SCAN page and per MEMORY USAGE pipeline. */
const CHUNK = 1000;
/** A window shorter than this is noise; older samples are rotated out. */
const MIN_WINDOW_S = 2;
const ROTATE_AFTER_S = 10;

interface InfoSample {
  t: number;
  hits: number;
  misses: number;
  evicted: number;
  expired: number;
}

function keyspaceOf(info: Record<string, string>) {
  let keys = 0;
  let expires = 0;
  let ttlWeighted = 0;
  for (const [field, value] of Object.entries(info)) {
    if (!/^db\d+$/.test(field)) continue;
    const parts = Object.fromEntries(value.split(",").map((p) => p.split("=") as [string, string]));
    const k = Number(parts.keys ?? 0);
    const e = Number(parts.expires ?? 0);
    keys += k;
    expires += e;
    ttlWeighted += Number(parts.avg_ttl ?? 0) * e;
  }
  return { keys, expires, avgTtlSeconds: expires > 0 ? ttlWeighted / expires / 1000 : null };
}

/**
 * Earlier INFO samples, kept in this process: reading them from a Redis key
 * would itself count as a keyspace hit or miss and skew the rate it measures.
 * Each dashboard instance so measures over the window since it last looked.
 */
const samples = new WeakMap<RedisClient, { a: InfoSample | null; b: InfoSample | null }>();

/** Picks the newest earlier sample at least MIN_WINDOW_S old, and rotates in `current`. */
function windowBase(redis: RedisClient, current: InfoSample): InfoSample | null {
  const slots = samples.get(redis) ?? { a: null, b: null };
  const usable = [slots.b, slots.a].find(
    (s) => s && current.t - s.t >= MIN_WINDOW_S && current.hits >= s.hits,
  );
  if (!slots.b || current.t - slots.b.t >= ROTATE_AFTER_S) {
    samples.set(redis, { a: slots.b ?? current, b: current });
  }
  return usable ?? null;
}

function rate(hits: number, misses: number): number | null {
  return hits + misses > 0 ? hits / (hits + misses) : null;
}

/** Server-wide figures from INFO; rates from the difference with an earlier sample. */
export async function serverStats(
  redis: RedisClient,
  now = Date.now() / 1000,
): Promise<ServerCacheStats> {
  const info = await readInfo(redis);
  const num = (f: string) => Number(info[f] ?? 0);
  const current: InfoSample = {
    t: now,
    hits: num("keyspace_hits"),
    misses: num("keyspace_misses"),
    evicted: num("evicted_keys"),
    expired: num("expired_keys"),
  };
  const base = windowBase(redis, current);
  const span = base ? current.t - base.t : null;
  const delta = (k: keyof InfoSample) => (base && span ? current[k] - base[k] : null);
  const hits = delta("hits");
  const misses = delta("misses");
  return {
    hitRate: hits === null || misses === null ? null : rate(hits, misses),
    windowSeconds: span,
    windowHits: hits,
    windowMisses: misses,
    lifetimeHitRate: rate(current.hits, current.misses),
    evictionsPerSecond: span ? Math.max(0, delta("evicted")!) / span : null,
    expirationsPerSecond: span ? Math.max(0, delta("expired")!) / span : null,
    usedMemory: num("used_memory"),
    peakMemory: num("used_memory_peak"),
    maxMemory: num("maxmemory"),
    fragmentationRatio: num("mem_fragmentation_ratio"),
    evictionPolicy: info.maxmemory_policy ?? "",
    ...keyspaceOf(info),
  };
}

interface KeySample {
  /** When it was taken, epoch seconds. */
  at: number;
  keys: string[];
  /** MEMORY USAGE of each key; null for a key outside Redrive's namespaces and own keys. */
  bytes: (number | null)[];
  /** DBSIZE when it was taken. */
  dbsize: number;
  /** Whether the time bound cut it short. */
  timedOut: boolean;
}

/**
 * Whether the sample may read a key's memory: MEMORY USAGE is a read of the
 * key, and a least-privilege Redis user may touch only the cache namespaces
 * and Redrive's own keys. Other applications' keys are counted by name only.
 */
function measurable(config: Config, key: string): boolean {
  return namespaceOf(key) !== null || isRedriveKey(config, key);
}

/**
 * Up to CACHE_SAMPLE.keys distinct keys by SCAN, with the MEMORY USAGE of those
 * Redrive may read, until CACHE_SAMPLE.timeMs has passed.
 */
async function takeSample(redis: RedisClient, config: Config): Promise<KeySample> {
  const at = Date.now() / 1000;
  const deadline = Date.now() + CACHE_SAMPLE.timeMs;
  const nodes = masters(redis);
  const dbsize = await keyCount(redis);
  const keys: string[] = [];
  const bytes: (number | null)[] = [];
  let timedOut = false;
  for (const [i, node] of nodes.entries()) {
    // Each master holds its share of the keys: each gives its share of the sample.
    const quota = Math.ceil((CACHE_SAMPLE.keys - keys.length) / (nodes.length - i));
    const part = await sampleNode(node, config, quota, deadline);
    keys.push(...part.keys);
    bytes.push(...part.bytes);
    timedOut ||= part.timedOut;
    if (timedOut) break;
  }
  return { at, keys, bytes, dbsize, timedOut };
}

/** One server's part of the sample: up to `quota` distinct keys and their sizes. */
async function sampleNode(
  node: Redis,
  config: Config,
  quota: number,
  deadline: number,
): Promise<Omit<KeySample, "at" | "dbsize">> {
  const seen = new Set<string>();
  let cursor = "0";
  let timedOut = false;
  do {
    const [next, keys] = await node.scan(cursor, "COUNT", CHUNK);
    cursor = next;
    for (const k of keys) if (seen.size < quota) seen.add(k);
    timedOut = Date.now() > deadline;
  } while (cursor !== "0" && seen.size < quota && !timedOut);
  const keys = [...seen];
  const bytes: (number | null)[] = [];
  for (let i = 0; i < keys.length && !timedOut; i += CHUNK) {
    const chunk = keys.slice(i, i + CHUNK);
    const measured = await memoryOf(
      node,
      chunk.filter((k) => measurable(config, k)),
    );
    bytes.push(...chunk.map((k) => (measurable(config, k) ? (measured.shift() ?? null) : null)));
    timedOut = Date.now() > deadline && bytes.length < keys.length;
  }
  // Keys whose memory was not measured in time are left out of the sample.
  return { keys: keys.slice(0, bytes.length), bytes, timedOut };
}

/** MEMORY USAGE of keys the server `node` holds (it answers for its own keys only). */
async function memoryOf(node: Redis, keys: string[]): Promise<(number | null)[]> {
  if (keys.length === 0) return [];
  const pipeline = node.pipeline();
  for (const k of keys) pipeline.memory("USAGE", k);
  const results = (await pipeline.exec()) ?? [];
  // A key that expired between SCAN and MEMORY USAGE answers null: 0 bytes. A
  // user that may not run MEMORY USAGE gets counts without sizes (null: unknown).
  // A key whose slot moved to another master meanwhile (MOVED) is not measured.
  return results.map(([error, v]) => {
    if (error && (permissionDenialOf(error) || error.message.startsWith("MOVED"))) return null;
    if (error) throw error;
    return Number(v ?? 0);
  });
}

const sampling = new WeakMap<RedisClient, { last?: KeySample; running?: Promise<KeySample> }>();

/**
 * The last sample when it is fresh enough, else a new one; concurrent callers
 * share one run (single flight), so N open pages cost one sample per interval.
 */
function currentSample(
  redis: RedisClient,
  config: Config,
  maxAgeSeconds: number,
): Promise<KeySample> {
  let state = sampling.get(redis);
  if (!state) sampling.set(redis, (state = {}));
  const s = state;
  if (s.last && Date.now() / 1000 - s.last.at < maxAgeSeconds) return Promise.resolve(s.last);
  s.running ??= takeSample(redis, config)
    .then((sample) => (s.last = sample))
    .finally(() => (s.running = undefined));
  return s.running;
}

type Bucket = Namespace | typeof OTHER | "redrive";

function bucketOf(config: Config, key: string): Bucket {
  if (isRedriveKey(config, key)) return "redrive";
  return namespaceOf(key) ?? OTHER;
}

type Buckets = Map<Bucket, { keys: number; bytes: number | null }>;

/** The sample's keys counted and sized per namespace, and its largest keys (Redrive's left out). */
function tally(config: Config, sample: string[], bytes: (number | null)[]) {
  const buckets: Buckets = new Map();
  const top: TopKey[] = [];
  sample.forEach((key, i) => {
    const bucket = bucketOf(config, key);
    const size = bytes[i] ?? null;
    const b = buckets.get(bucket) ?? { keys: 0, bytes: size === null ? null : 0 };
    b.keys++;
    if (b.bytes !== null && size !== null) b.bytes += size;
    buckets.set(bucket, b);
    if (bucket !== "redrive" && size !== null) top.push({ key, namespace: bucket, bytes: size });
  });
  top.sort((x, y) => y.bytes - x.bytes);
  return { buckets, top: top.slice(0, TOP_KEYS) };
}

/** One namespace's row: the sample scaled up to the whole keyspace, and its counters. */
function namespaceRow(
  name: Bucket,
  label: string,
  ttl: number | null,
  found: { buckets: Buckets; counters: Awaited<ReturnType<typeof readCounters>>; scale: number },
): NamespaceStats {
  // Other applications' keys are counted, their memory not read: null.
  const b = found.buckets.get(name) ?? { keys: 0, bytes: name === OTHER ? null : 0 };
  const c = found.counters[name] ?? { hits: 0, misses: 0 };
  return {
    namespace: name,
    label,
    prefix: Object.hasOwn(NAMESPACES, name) ? NAMESPACES[name as Namespace].prefix : null,
    ttlSeconds: ttl,
    estimatedKeys: Math.round(b.keys * found.scale),
    estimatedBytes: b.bytes === null ? null : Math.round(b.bytes * found.scale),
    hits: c.hits,
    misses: c.misses,
    hitRate: rate(c.hits, c.misses),
  };
}

/**
 * Per-namespace key counts and memory, estimated from a SCAN sample of at most
 * 10 000 keys (scaled up by dbsize / sampled, as RedisInsight's analysis does)
 * taken at most once a minute (`sampledAt` says when), the top keys by memory,
 * and the shared hit/miss counters and INFO figures, read on every call.
 */
export async function inspectCache(
  redis: RedisClient,
  config: Config,
  options: { maxAgeSeconds?: number } = {},
): Promise<CacheOverview> {
  const [server, counters, taken] = await Promise.all([
    serverStats(redis),
    readCounters(redis, config),
    currentSample(redis, config, options.maxAgeSeconds ?? CACHE_SAMPLE.maxAgeSeconds),
  ]);
  const { keys: sample, bytes, dbsize } = taken;
  const scale = sample.length > 0 ? Math.max(1, dbsize / sample.length) : 1;
  const { buckets, top } = tally(config, sample, bytes);
  const found = { buckets, counters, scale };
  const row = (name: Bucket, label: string, ttl: number | null) =>
    namespaceRow(name, label, ttl, found);
  return {
    sampledAt: taken.at,
    server,
    namespaces: [
      ...NAMESPACE_NAMES.map((n) =>
        row(n, NAMESPACES[n].label, config[NAMESPACES[n].ttl] as number),
      ),
      row(OTHER, "Other keys", config.CACHE_DEFAULT_TTL),
    ],
    redriveKeys: row("redrive", "Queues, retries, DLQs (not cache)", null),
    topKeys: top,
    sample: { scanned: sample.length, dbsize, exact: !taken.timedOut && sample.length >= dbsize },
  };
}
