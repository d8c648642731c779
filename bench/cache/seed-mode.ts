import { performance } from "node:perf_hooks";
import Redis from "ioredis";
import { RedisCache } from "../../lib/cache/cache";
import { readCounters } from "../../lib/cache/counters";
import { inspectCache } from "../../lib/cache/inspect";
import { invalidate } from "../../lib/cache/invalidate";
import { check } from "../lib/check";
import { closedLoops, Latencies, pacedLoops, prng } from "../lib/load";
import type { BenchServer } from "../lib/server";
import {
  keyOf,
  LOOPS,
  READ_MIX,
  SimulatedDb,
  staleEntries,
  WRITE_SHARE,
  ZIPFS,
  type Kind,
  type Updatable,
} from "./seed-workload";
import { ready, sleep } from "./shared";

/** Scenario 2's modes: the workload with no cache, a disabled cache, and the cache on. */

type CacheMode = "none" | "disabled" | "enabled";

export interface Mode {
  id: string;
  label: string;
  cache: CacheMode;
  /** Requests per second to keep (paced loops); closed loops when absent. */
  rate?: number;
  ms: number;
}

/** What the cache reports after a mode's window (all empty with no cache). */
interface CacheStats {
  serverHitRate: number | null;
  serverWindowSeconds: number | null;
  namespaces: Record<string, { hits: number; misses: number; hitRate: number | null }>;
  guard: ReturnType<RedisCache["health"]> | null;
  /** Cache on: cached records older than the database at the end. */
  stale: Record<Updatable, number> | null;
}

export interface ModeResult extends CacheStats {
  mode: Mode;
  ms: number;
  requests: number;
  reads: number;
  writes: number;
  dbReads: number;
  dbReadsBy: Record<Kind, number>;
  /** Reads and DB reads in the second half of the window (after the cold start). */
  secondHalf: { reads: number; dbReads: number };
  latency: ReturnType<Latencies["summary"]>;
  /** How many ids were updated. */
  updatedIds: Record<Updatable, number>;
}

/** The requests of one mode: reads through the cache (if any), timed, and the occasional write. */
class Requests {
  reads = 0;
  writes = 0;
  readonly lat = new Latencies();
  private readonly rngs = Array.from({ length: LOOPS }, (_, loop) => prng(1000 + loop));

  constructor(
    private readonly db: SimulatedDb,
    private readonly cache: RedisCache | null,
  ) {}

  readonly op = async (loop: number): Promise<void> => {
    const rnd = this.rngs[loop]!;
    const u = rnd();
    if (u < WRITE_SHARE) return this.write(u < WRITE_SHARE / 2 ? "user" : "job_status", rnd);
    const v = rnd();
    const kind: Kind =
      v < READ_MIX.user
        ? "user"
        : v < READ_MIX.user + READ_MIX.job_status
          ? "job_status"
          : "doc_summary";
    const id = ZIPFS[kind].sample(rnd());
    const t0 = performance.now();
    if (this.cache) await this.cache.getOrSet(keyOf(kind, id), () => this.db.read(kind, id));
    else await this.db.read(kind, id);
    this.lat.add(performance.now() - t0);
    this.reads++;
  };

  private async write(kind: Updatable, rnd: () => number): Promise<void> {
    const id = ZIPFS[kind].sample(rnd());
    await this.db.write(kind, id);
    if (this.cache && kind === "user") await invalidate.user(this.cache, id);
    if (this.cache && kind === "job_status") await invalidate.jobStatus(this.cache, `job-${id}`);
    this.writes++;
  }
}

/** Hit rates from inspectCache and the shared counters, and the stale entries left behind. */
async function enabledStats(
  b: BenchServer,
  inspector: Redis,
  db: SimulatedDb,
  reads: number,
): Promise<Pick<CacheStats, "serverHitRate" | "serverWindowSeconds" | "namespaces" | "stale">> {
  const overview = await inspectCache(inspector, b.config);
  const namespaces = Object.fromEntries(
    overview.namespaces
      .filter((n) => n.hits + n.misses > 0)
      .map((n) => [n.namespace, { hits: n.hits, misses: n.misses, hitRate: n.hitRate }]),
  );
  const counters = await readCounters(inspector, { REDRIVE_KEY_PREFIX: "redrive" });
  const counted = Object.values(counters).reduce((s, c) => s + c.hits + c.misses, 0);
  // Every read is counted once as a hit or a miss, except reads that joined another's lookup.
  check(counted <= reads, `counters saw ${counted} lookups for ${reads} reads`);
  // Fire-and-forget SETs of the last misses land first.
  await sleep(50);
  return {
    serverHitRate: overview.server.hitRate,
    serverWindowSeconds: overview.server.windowSeconds,
    namespaces,
    stale: await staleEntries(inspector, db),
  };
}

async function cacheStats(
  b: BenchServer,
  mode: Mode,
  cache: RedisCache | null,
  inspector: Redis,
  db: SimulatedDb,
  reads: number,
): Promise<CacheStats> {
  const none: CacheStats = {
    serverHitRate: null,
    serverWindowSeconds: null,
    namespaces: {},
    guard: null,
    stale: null,
  };
  if (!cache) return none;
  await cache.flushStats();
  const guard = cache.health();
  const stats = mode.cache === "enabled" ? await enabledStats(b, inspector, db, reads) : {};
  await cache.close();
  cache.redis.disconnect();
  return { ...none, ...stats, guard };
}

/** One mode on an emptied Redis: its window of request loops, then what the cache saw. */
export async function runMode(b: BenchServer, mode: Mode): Promise<ModeResult> {
  await b.flush();
  await b.redis.config("RESETSTAT");
  const cache =
    mode.cache === "none"
      ? null
      : RedisCache.connect(b.url, b.config, { enabled: mode.cache === "enabled" });
  if (cache) await ready(cache.redis);
  // inspectCache keeps its earlier INFO sample per client: a fresh client per mode.
  const inspector = new Redis(b.url);
  await ready(inspector);
  if (mode.cache === "enabled") await inspectCache(inspector, b.config);

  const db = new SimulatedDb();
  const requests = new Requests(db, cache);
  let half = { reads: 0, dbReads: 0 };
  const halfTimer = setTimeout(
    () => (half = { reads: requests.reads, dbReads: db.reads }),
    mode.ms / 2,
  );
  const run =
    mode.rate === undefined
      ? await closedLoops(LOOPS, mode.ms, requests.op)
      : await pacedLoops(LOOPS, mode.rate, mode.ms, requests.op);
  clearTimeout(halfTimer);
  const { reads, writes } = requests;
  const stats = await cacheStats(b, mode, cache, inspector, db, reads);
  inspector.disconnect();
  return {
    mode,
    ms: run.ms,
    requests: run.calls,
    reads,
    writes,
    dbReads: db.reads,
    dbReadsBy: { ...db.readsBy },
    secondHalf: { reads: reads - half.reads, dbReads: db.reads - half.dbReads },
    latency: requests.lat.summary(),
    ...stats,
    updatedIds: { user: db.versions.user.size, job_status: db.versions.job_status.size },
  };
}
