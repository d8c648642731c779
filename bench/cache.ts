import { createRequire } from "node:module";
import { cpus, loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import Redis, { type RedisOptions } from "ioredis";
import { RedisCache } from "../lib/cache/cache";
import { decodeValue } from "../lib/cache/codec";
import { readCounters } from "../lib/cache/counters";
import { inspectCache } from "../lib/cache/inspect";
import { invalidate } from "../lib/cache/invalidate";
import { cacheKeys } from "../lib/cache/namespaces";
import {
  loadBentocache,
  loadPeerIoredis,
  type BentoCacheInstance,
  type PeerRedis,
  type PeerRedisOptions,
} from "./lib/bentocache";
import { closedLoops, Latencies, pacedLoops, prng, Zipf } from "./lib/load";
import { peerVersion } from "./lib/peers";
import { startBenchServer, type BenchServer } from "./lib/server";
import { summarize, target, type Summary, type Target } from "./lib/summary";
import { printTable, type Cell } from "./lib/table";

/**
 * `npm run bench -- cache [--only 1,2] [--rounds N] [--seconds S] [--mode-seconds S]`:
 * Redrive's cache (lib/cache) on a redis-server of its own, each scenario on a
 * fresh server:
 *   1) getOrSet hit throughput, 100 concurrent callers over 10 000 pre-populated
 *      keys, against raw ioredis GET and bentocache's getOrSet with only its Redis tier;
 *   2) the seed's claims on a simulated backend (5 ms per query): a Zipf read
 *      workload over users, job statuses and document summaries with the seed's
 *      TTLs and 2 % invalidating writes, with the cache off and on.
 */

// ---------------------------------------------------------------- shared

function check(condition: boolean, what: string): void {
  if (!condition) throw new Error(`benchmark check failed: ${what}`);
}

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves when an ioredis client (either major version) is ready for commands. */
async function ready(client: {
  readonly status: string;
  once(event: "ready", listener: () => void): unknown;
}): Promise<void> {
  if (client.status === "ready") return;
  await new Promise<void>((resolve) => client.once("ready", resolve));
}

/**
 * The options RedisCache.connect gave its own client (lib/cache/cache.ts), read
 * from that client, so that the raw GET baseline and bentocache run on the same
 * client setup whatever cache.ts chooses.
 */
function cacheClientOptions(cache: RedisCache) {
  const o = cache.redis.options;
  return {
    enableAutoPipelining: o.enableAutoPipelining,
    enableOfflineQueue: o.enableOfflineQueue,
    maxRetriesPerRequest: o.maxRetriesPerRequest,
    retryStrategy: o.retryStrategy,
  } satisfies RedisOptions;
}

interface KeyspaceStats {
  hits: number;
  misses: number;
  commands: number;
}

async function keyspaceStats(redis: Redis): Promise<KeyspaceStats> {
  const info = await redis.info("stats");
  const field = (name: string) => Number(new RegExp(`${name}:(\\d+)`).exec(info)?.[1] ?? NaN);
  return {
    hits: field("keyspace_hits"),
    misses: field("keyspace_misses"),
    commands: field("total_commands_processed"),
  };
}

/** A user record as the seed's backend would cache it: about 300 bytes of JSON. */
function userRecord(id: number, version = 0) {
  return {
    id,
    version,
    email: `user${id}@example-corp.com`,
    full_name: `Analyst Number ${id}`,
    role: id % 25 === 0 ? "manager" : "analyst",
    manager_id: 25 * Math.ceil(id / 25),
    department: "Document Intelligence",
    permissions: ["documents:read", "documents:write", "jobs:read", "graphs:read"],
    is_active: true,
    created_at: "2024-03-01T10:15:00",
    last_login: "2024-06-12T08:30:00",
    settings: { theme: "dark", language: "en", notifications: true },
  };
}

function jobStatusRecord(id: number, version: number) {
  const states = ["queued", "processing", "completed", "failed"] as const;
  return {
    job_id: `job-${id}`,
    version,
    status: states[(id + version) % states.length],
    progress: (id * 7 + version * 13) % 101,
    retry_count: version % 4,
    updated_at: new Date(1_718_000_000_000 + version * 1000).toISOString(),
  };
}

const SUMMARY_SENTENCE =
  "The quarterly report describes revenue growth across regions, lists the risks the auditors raised, " +
  "and summarises the actions agreed with the board for the next two quarters. ";

/** A document summary: about 1.5 KB of JSON, above the 1 KB compression threshold. */
function docSummaryRecord(id: number) {
  return {
    document_id: id,
    title: `report-${id}.pdf`,
    summary: `Document ${id}. ${SUMMARY_SENTENCE.repeat(7)}`,
    key_points: ["revenue up 12 %", "two open audit findings", "board approved hiring plan"],
    pages: 10 + (id % 90),
  };
}

interface ScenarioResult {
  targets: Target[];
  results: Record<string, unknown>;
  redisVersion: string;
}

// ---------------------------------------------------------------- 1) hit throughput

const HIT_KEYS = 10_000;
const HIT_CONCURRENCY = 100;
const HIT_WARMUP_MS = 500;

interface HitSystem {
  id: string;
  label: string;
  get(key: string): Promise<unknown>;
  /** Calls of the loader / factory, which a hit must never make. */
  loaderCalls(): number;
  /** Redrive only: the guard's error, timeout and skip counts. */
  health?(): ReturnType<RedisCache["health"]>;
  close(): Promise<void>;
}

interface HitResult {
  id: string;
  label: string;
  calls: number;
  ms: number;
  roundRates: number[];
  latency: ReturnType<Latencies["summary"]>;
  hitsPerCall: number;
  missesPerCall: number;
  commandsPerCall: number;
  pingP99Ms: number;
  pingWorstMs: number;
  loaderCalls: number;
}

function opsPerSec(r: { calls: number; ms: number }): number {
  return r.calls / (r.ms / 1000);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** A system's throughput: the median of its rounds (one busy moment does not decide). */
const rateOf = (r: HitResult) => median(r.roundRates);

async function populateUsers(redis: Redis, n: number): Promise<number> {
  let bytes = 0;
  for (let start = 1; start <= n; start += 1000) {
    const pipeline = redis.pipeline();
    for (let id = start; id < Math.min(n + 1, start + 1000); id++) {
      const json = JSON.stringify(userRecord(id));
      bytes += Buffer.byteLength(json);
      pipeline.set(cacheKeys.user(id), json, "EX", 3600);
    }
    const results = (await pipeline.exec()) ?? [];
    for (const [err] of results) if (err) throw err;
  }
  return bytes / n;
}

async function hitSystems(b: BenchServer): Promise<{ systems: HitSystem[]; notes: string[] }> {
  const systems: HitSystem[] = [];
  const notes: string[] = [];

  const cache = RedisCache.connect(b.url, b.config);
  // connect() returns at once and the client has no offline queue: a call made
  // before the connection is ready fails and opens the guard's breaker.
  await ready(cache.redis);
  const sameOptions = cacheClientOptions(cache);
  notes.push(
    `"same client options" = RedisCache.connect's: enableAutoPipelining ${sameOptions.enableAutoPipelining}, ` +
      `enableOfflineQueue ${sameOptions.enableOfflineQueue}, maxRetriesPerRequest ${sameOptions.maxRetriesPerRequest}`,
  );

  const rawSame = new Redis(b.url, sameOptions);
  rawSame.on("error", () => undefined);
  await ready(rawSame);
  systems.push({
    id: "rawGet",
    label: "raw ioredis GET (RedisCache's client options)",
    get: (key) => rawSame.get(key),
    loaderCalls: () => 0,
    close: async () => rawSame.disconnect(),
  });

  const rawDefault = new Redis(b.url);
  await ready(rawDefault);
  systems.push({
    id: "rawGetDefaults",
    label: "raw ioredis GET (ioredis defaults)",
    get: (key) => rawDefault.get(key),
    loaderCalls: () => 0,
    close: async () => rawDefault.disconnect(),
  });

  let redriveLoads = 0;
  systems.push({
    id: "redrive",
    label: "Redrive cache.getOrSet",
    get: (key) =>
      cache.getOrSet(key, () => {
        redriveLoads++;
        return Promise.resolve(userRecord(0));
      }),
    loaderCalls: () => redriveLoads,
    health: () => cache.health(),
    close: async () => {
      await cache.close();
      cache.redis.disconnect();
    },
  });

  const bento = loadBentocache();
  const peer = loadPeerIoredis();
  const peerOptions: PeerRedisOptions = { host: b.host, port: b.port, ...sameOptions };
  const bentoClient: PeerRedis = new peer.Redis(peerOptions);
  await ready(bentoClient);
  let bentoLoads = 0;
  const bentoFactory = (key: string) => () => {
    bentoLoads++;
    return userRecord(Number(key.slice("user:".length)));
  };
  const bentoSame: BentoCacheInstance = new bento.BentoCache({
    default: "redis",
    stores: {
      // L2 only: no useL1Layer(), so there is no in-memory tier to answer hits.
      redis: bento.bentostore().useL2Layer(bento.redisDriver({ connection: bentoClient })),
    },
  });
  const bentoDefault: BentoCacheInstance = new bento.BentoCache({
    default: "redis",
    stores: {
      redis: bento
        .bentostore()
        .useL2Layer(bento.redisDriver({ connection: { host: b.host, port: b.port } })),
    },
  });
  // Values in bentocache's own format, written by bentocache (untimed).
  const keys = Array.from({ length: HIT_KEYS }, (_, i) => cacheKeys.user(i + 1));
  for (let start = 0; start < keys.length; start += 500) {
    await Promise.all(
      keys
        .slice(start, start + 500)
        .map((key) => bentoSame.getOrSet({ key, factory: bentoFactory(key), ttl: "1h" })),
    );
  }
  check(bentoLoads === HIT_KEYS, `bentocache populated ${bentoLoads} of ${HIT_KEYS} keys`);
  const populated = bentoLoads;
  notes.push(`bentocache populated its ${populated} keys itself (factory calls, untimed)`);
  // One read through the defaults instance before timing, so its lazy connection is up.
  await bentoDefault.getOrSet({ key: keys[0]!, factory: bentoFactory(keys[0]!), ttl: "1h" });
  check(bentoLoads === populated, "bentocache (defaults) reads the values the other wrote");
  systems.push({
    id: "bentocache",
    label: "bentocache getOrSet, L2 (Redis) only, same client options",
    get: (key) => bentoSame.getOrSet({ key, factory: bentoFactory(key), ttl: "1h" }),
    loaderCalls: () => bentoLoads - populated,
    close: async () => {
      await bentoSame.disconnectAll();
      bentoClient.disconnect();
    },
  });
  systems.push({
    id: "bentocacheDefaults",
    label: "bentocache getOrSet, L2 (Redis) only, ioredis defaults",
    get: (key) => bentoDefault.getOrSet({ key, factory: bentoFactory(key), ttl: "1h" }),
    loaderCalls: () => bentoLoads - populated,
    close: () => bentoDefault.disconnectAll(),
  });

  const rawPeer: PeerRedis = new peer.Redis(peerOptions);
  await ready(rawPeer);
  systems.push({
    id: "rawGetIoredis5",
    label: `raw ioredis ${peer.version} GET (bentocache's client), same client options`,
    get: (key) => rawPeer.get(key),
    loaderCalls: () => 0,
    close: async () => rawPeer.disconnect(),
  });
  return { systems, notes };
}

async function scenarioHits(rounds: number, measureMs: number): Promise<ScenarioResult> {
  const b = await startBenchServer();
  try {
    await b.flush();
    const valueBytes = await populateUsers(b.redis, HIT_KEYS);
    const { systems, notes } = await hitSystems(b);
    const keys = Array.from({ length: HIT_KEYS }, (_, i) => cacheKeys.user(i + 1));
    const pick = () => keys[Math.floor(Math.random() * HIT_KEYS)]!;
    // Every reader sees real values, byte for byte the same for the two GET-based systems.
    const sample = keys[42]!;
    check(
      (await systems.find((s) => s.id === "rawGet")!.get(sample)) ===
        JSON.stringify(userRecord(43)),
      "raw GET reads the pre-populated JSON",
    );
    for (const s of systems.filter((x) => x.id !== "rawGet" && x.id !== "rawGetDefaults")) {
      const v = await s.get(sample);
      const parsed = typeof v === "string" ? (JSON.parse(v) as unknown) : v;
      check(
        JSON.stringify(parsed).includes('"id":43'),
        `${s.label} returns the user record (got ${JSON.stringify(v).slice(0, 60)})`,
      );
    }

    const acc = new Map<
      string,
      {
        calls: number;
        ms: number;
        rates: number[];
        lat: Latencies;
        ks: KeyspaceStats;
        pingP99: number;
        pingWorst: number;
        pings: number;
      }
    >();
    for (const s of systems) {
      acc.set(s.id, {
        calls: 0,
        ms: 0,
        rates: [],
        lat: new Latencies(),
        ks: { hits: 0, misses: 0, commands: 0 },
        pingP99: 0,
        pingWorst: 0,
        pings: 0,
      });
    }
    for (let round = 0; round < rounds; round++) {
      // A different order each round, so no system always runs first or last.
      const order = systems.map((_, i) => systems[(i + round) % systems.length]!);
      for (const s of order) {
        const a = acc.get(s.id)!;
        await closedLoops(HIT_CONCURRENCY, HIT_WARMUP_MS, () => s.get(pick()));
        const before = await keyspaceStats(b.redis);
        const lat = new Latencies();
        const { result, ping } = await b.ping.measure(() =>
          closedLoops(HIT_CONCURRENCY, measureMs, () => s.get(pick()), lat),
        );
        const after = await keyspaceStats(b.redis);
        a.lat.addAll(lat);
        a.calls += result.calls;
        a.ms += result.ms;
        a.rates.push(opsPerSec(result));
        a.ks.hits += after.hits - before.hits;
        a.ks.misses += after.misses - before.misses;
        // Less the PINGs of the monitor and the INFO that took the second sample.
        a.ks.commands += after.commands - before.commands - ping.count - 1;
        a.pings += ping.count;
        a.pingP99 = Math.max(a.pingP99, ping.p99Ms);
        a.pingWorst = Math.max(a.pingWorst, ping.worstMs);
      }
    }
    const results: HitResult[] = systems.map((s) => {
      const a = acc.get(s.id)!;
      return {
        id: s.id,
        label: s.label,
        calls: a.calls,
        ms: a.ms,
        roundRates: a.rates,
        latency: a.lat.summary(),
        hitsPerCall: a.ks.hits / a.calls,
        missesPerCall: a.ks.misses / a.calls,
        commandsPerCall: a.ks.commands / a.calls,
        pingP99Ms: a.pingP99,
        pingWorstMs: a.pingWorst,
        loaderCalls: s.loaderCalls(),
      };
    });
    const guard = systems.find((s) => s.id === "redrive")!.health?.();
    for (const s of systems) await s.close();

    check(
      guard !== undefined && guard.errors === 0 && guard.timeouts === 0 && guard.skipped === 0,
      `Redrive's guard saw no error, timeout or skip (${JSON.stringify(guard)})`,
    );
    const by = (id: string) => results.find((r) => r.id === id)!;
    const redrive = by("redrive");
    const raw = by("rawGet");
    const bento = by("bentocache");
    for (const r of results) {
      check(r.loaderCalls === 0, `${r.label}: loader ran ${r.loaderCalls} times on hits`);
      check(r.missesPerCall === 0, `${r.label}: ${r.missesPerCall} keyspace misses per call`);
    }
    // No in-memory tier may answer: every bentocache call must have reached Redis.
    check(bento.hitsPerCall >= 0.999, `bentocache: ${bento.hitsPerCall} Redis hits per call`);
    check(
      by("bentocacheDefaults").hitsPerCall >= 0.999,
      `bentocache (defaults): ${by("bentocacheDefaults").hitsPerCall} Redis hits per call`,
    );

    printTable(
      `1) getOrSet hits: ${HIT_CONCURRENCY} concurrent callers, ${HIT_KEYS} keys (user:N, ` +
        `${Math.round(valueBytes)} B JSON) chosen uniformly; ${rounds} rounds × ${measureMs / 1000} s ` +
        `per system after ${HIT_WARMUP_MS / 1000} s warm-up, order rotated`,
      [
        "system",
        "calls",
        "ops/s (median)",
        "rounds ops/s",
        "p50 ms",
        "p99 ms",
        "max ms",
        "Redis hits/call",
        "cmds/call",
        "loader calls",
        "PING p99 ms",
      ],
      results.map((r) => [
        r.label,
        r.calls,
        rateOf(r),
        r.roundRates.map((x) => Math.round(x)).join(" "),
        r.latency.p50,
        r.latency.p99,
        r.latency.max,
        r.hitsPerCall,
        r.commandsPerCall,
        r.loaderCalls,
        r.pingP99Ms,
      ]),
    );
    const ratio = (x: HitResult, y: HitResult) => rateOf(x) / rateOf(y);
    const ratios: Cell[][] = [
      ["Redrive / raw GET (same client options)", ratio(redrive, raw), "target ≥ 0.8"],
      ["Redrive / bentocache L2-only (same client options)", ratio(redrive, bento), "target ≥ 1.0"],
      ["Redrive / raw GET (ioredis defaults)", ratio(redrive, by("rawGetDefaults")), ""],
      [
        "Redrive / bentocache L2-only (ioredis defaults)",
        ratio(redrive, by("bentocacheDefaults")),
        "",
      ],
      ["bentocache / raw ioredis 5 GET (its own client)", ratio(bento, by("rawGetIoredis5")), ""],
      ["raw ioredis 6 GET / raw ioredis 5 GET", ratio(raw, by("rawGetIoredis5")), ""],
    ];
    printTable("1) Ratios of ops/s", ["ratio", "value", "note"], ratios);
    for (const n of notes) console.log(`note: ${n}`);

    return {
      redisVersion: b.redisVersion,
      targets: [
        target(
          "hits.vsRawGet",
          "1) getOrSet hits: Redrive / raw ioredis GET",
          ratio(redrive, raw),
          ">=",
          0.8,
          "×",
        ),
        target(
          "hits.vsBentocache",
          "1) getOrSet hits: Redrive / bentocache (L2 only)",
          ratio(redrive, bento),
          ">=",
          1.0,
          "×",
        ),
      ],
      results: {
        hits: {
          keys: HIT_KEYS,
          valueBytes,
          concurrency: HIT_CONCURRENCY,
          rounds,
          secondsPerRound: measureMs / 1000,
          systems: Object.fromEntries(
            results.map((r) => [
              r.id,
              {
                label: r.label,
                calls: r.calls,
                opsPerSec: rateOf(r),
                roundOpsPerSec: r.roundRates,
                p50Ms: r.latency.p50,
                p99Ms: r.latency.p99,
                maxMs: r.latency.max,
                redisHitsPerCall: r.hitsPerCall,
                redisCommandsPerCall: r.commandsPerCall,
                loaderCalls: r.loaderCalls,
                pingP99Ms: r.pingP99Ms,
                pingWorstMs: r.pingWorstMs,
              },
            ]),
          ),
          ratios: Object.fromEntries(ratios.map(([k, v]) => [k, v])),
          redriveGuard: guard,
        },
      },
    };
  } finally {
    await b.stop();
  }
}

// ---------------------------------------------------------------- 2) the seed's claims

const DB_LATENCY_MS = 5;
const LOOPS = 50;
const ZIPF_S = 1.1;
const IDS = { user: 10_000, job_status: 2_000, doc_summary: 20_000 } as const;
/**
 * Which reads a request makes: every API call authenticates its user
 * (get_current_user), clients poll job statuses, fewer open a summary.
 */
const READ_MIX = { user: 0.4, job_status: 0.35, doc_summary: 0.25 } as const;
/** Requests that update a user or a job status (half each) and invalidate its key. */
const WRITE_SHARE = 0.02;

type Kind = keyof typeof IDS;
const KINDS = Object.keys(IDS) as Kind[];

function keyOf(kind: Kind, id: number): string {
  if (kind === "user") return cacheKeys.user(id);
  if (kind === "job_status") return cacheKeys.jobStatus(`job-${id}`);
  return cacheKeys.docSummary(id);
}

type Updatable = "user" | "job_status";

/**
 * The backing store: every query costs DB_LATENCY_MS (a timer) and is counted.
 * Users and job statuses carry a version that each write bumps when it commits
 * (at the end of its query); a read returns the version current when it
 * started (its snapshot), as an MVCC database would.
 */
class SimulatedDb {
  reads = 0;
  writes = 0;
  readonly readsBy: Record<Kind, number> = { user: 0, job_status: 0, doc_summary: 0 };
  readonly versions: Record<Updatable, Map<number, number>> = {
    user: new Map(),
    job_status: new Map(),
  };

  async read(kind: Kind, id: number): Promise<unknown> {
    this.reads++;
    this.readsBy[kind]++;
    const version = kind === "doc_summary" ? 0 : (this.versions[kind].get(id) ?? 0);
    await sleep(DB_LATENCY_MS);
    if (kind === "user") return userRecord(id, version);
    if (kind === "job_status") return jobStatusRecord(id, version);
    return docSummaryRecord(id);
  }

  async write(kind: Updatable, id: number): Promise<void> {
    this.writes++;
    await sleep(DB_LATENCY_MS);
    this.versions[kind].set(id, (this.versions[kind].get(id) ?? 0) + 1);
  }
}

/**
 * Cached users and job statuses older than the database's version after a run:
 * a read that took its snapshot before a write and stored it after the write's
 * invalidation (cache-aside's race). They stay until their TTL ends.
 */
async function staleEntries(redis: Redis, db: SimulatedDb): Promise<Record<Updatable, number>> {
  const out: Record<Updatable, number> = { user: 0, job_status: 0 };
  for (const kind of ["user", "job_status"] as const) {
    const ids = [...db.versions[kind].keys()];
    for (let start = 0; start < ids.length; start += 500) {
      const batch = ids.slice(start, start + 500);
      const values = await redis.mgetBuffer(...batch.map((id) => keyOf(kind, id)));
      values.forEach((buf, i) => {
        if (!buf) return;
        const cached = decodeValue(buf) as { version: number };
        if (cached.version < db.versions[kind].get(batch[i]!)!) out[kind]++;
      });
    }
  }
  return out;
}

type CacheMode = "none" | "disabled" | "enabled";

interface Mode {
  id: string;
  label: string;
  cache: CacheMode;
  /** Requests per second to keep (paced loops); closed loops when absent. */
  rate?: number;
  ms: number;
}

interface ModeResult {
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
  serverHitRate: number | null;
  serverWindowSeconds: number | null;
  namespaces: Record<string, { hits: number; misses: number; hitRate: number | null }>;
  guard: ReturnType<RedisCache["health"]> | null;
  /** Cache on: cached records older than the database at the end, and how many ids were updated. */
  stale: Record<Updatable, number> | null;
  updatedIds: Record<Updatable, number>;
}

const ZIPFS: Record<Kind, Zipf> = {
  user: new Zipf(IDS.user, ZIPF_S),
  job_status: new Zipf(IDS.job_status, ZIPF_S),
  doc_summary: new Zipf(IDS.doc_summary, ZIPF_S),
};

async function runMode(b: BenchServer, mode: Mode): Promise<ModeResult> {
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
  const rngs = Array.from({ length: LOOPS }, (_, loop) => prng(1000 + loop));
  const lat = new Latencies();
  let reads = 0;
  let writes = 0;
  const op = async (loop: number) => {
    const rnd = rngs[loop]!;
    const u = rnd();
    if (u < WRITE_SHARE) {
      const kind: Updatable = u < WRITE_SHARE / 2 ? "user" : "job_status";
      const id = ZIPFS[kind].sample(rnd());
      await db.write(kind, id);
      if (cache && kind === "user") await invalidate.user(cache, id);
      if (cache && kind === "job_status") await invalidate.jobStatus(cache, `job-${id}`);
      writes++;
      return;
    }
    const v = rnd();
    const kind: Kind =
      v < READ_MIX.user
        ? "user"
        : v < READ_MIX.user + READ_MIX.job_status
          ? "job_status"
          : "doc_summary";
    const id = ZIPFS[kind].sample(rnd());
    const t0 = performance.now();
    if (cache) await cache.getOrSet(keyOf(kind, id), () => db.read(kind, id));
    else await db.read(kind, id);
    lat.add(performance.now() - t0);
    reads++;
  };
  let half = { reads: 0, dbReads: 0 };
  const halfTimer = setTimeout(() => (half = { reads, dbReads: db.reads }), mode.ms / 2);
  const run =
    mode.rate === undefined
      ? await closedLoops(LOOPS, mode.ms, op)
      : await pacedLoops(LOOPS, mode.rate, mode.ms, op);
  clearTimeout(halfTimer);

  let serverHitRate: number | null = null;
  let serverWindowSeconds: number | null = null;
  let namespaces: ModeResult["namespaces"] = {};
  let guard: ModeResult["guard"] = null;
  let stale: ModeResult["stale"] = null;
  if (cache) {
    await cache.flushStats();
    guard = cache.health();
    if (mode.cache === "enabled") {
      const overview = await inspectCache(inspector, b.config);
      serverHitRate = overview.server.hitRate;
      serverWindowSeconds = overview.server.windowSeconds;
      namespaces = Object.fromEntries(
        overview.namespaces
          .filter((n) => n.hits + n.misses > 0)
          .map((n) => [n.namespace, { hits: n.hits, misses: n.misses, hitRate: n.hitRate }]),
      );
      const counters = await readCounters(inspector);
      const counted = Object.values(counters).reduce((s, c) => s + c.hits + c.misses, 0);
      // Every read is counted once as a hit or a miss, except reads that joined another's lookup.
      check(counted <= reads, `counters saw ${counted} lookups for ${reads} reads`);
      // Fire-and-forget SETs of the last misses land first.
      await sleep(50);
      stale = await staleEntries(inspector, db);
    }
    await cache.close();
    cache.redis.disconnect();
  }
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
    latency: lat.summary(),
    serverHitRate,
    serverWindowSeconds,
    namespaces,
    guard,
    stale,
    updatedIds: { user: db.versions.user.size, job_status: db.versions.job_status.size },
  };
}

const pct = (x: number | null) => (x === null || !Number.isFinite(x) ? null : 100 * x);

async function scenarioSeed(modeMs: number): Promise<ScenarioResult> {
  const offMs = Math.max(2000, modeMs / 2);
  const b = await startBenchServer();
  try {
    const direct = await runMode(b, {
      id: "offDirect",
      label: "OFF: no cache, db.query directly",
      cache: "none",
      ms: offMs,
    });
    const disabled = await runMode(b, {
      id: "offDisabled",
      label: "OFF: RedisCache { enabled: false }",
      cache: "disabled",
      ms: offMs,
    });
    const on = await runMode(b, {
      id: "on",
      label: "ON: RedisCache, closed loops",
      cache: "enabled",
      ms: modeMs,
    });
    const offRate = direct.requests / (direct.ms / 1000);
    const paced = await runMode(b, {
      id: "onPaced",
      label: `ON: RedisCache, paced at OFF's ${Math.round(offRate)} req/s`,
      cache: "enabled",
      rate: offRate,
      ms: modeMs,
    });
    const modes = [direct, disabled, on, paced];
    for (const m of modes) {
      const g = m.guard;
      check(
        g === null || (g.errors === 0 && g.timeouts === 0 && g.skipped === 0),
        `${m.mode.label}: the guard saw no error, timeout or skip (${JSON.stringify(g)})`,
      );
    }
    const qpr = (m: ModeResult) => m.dbReads / m.reads;
    const faster = (m: ModeResult, q: "p50" | "p99" | "mean") =>
      1 - m.latency[q] / direct.latency[q];

    const top = (k: Kind) => ZIPFS[k].top;
    console.log(
      `\n2) Workload: ${LOOPS} request loops; a request reads one record (user ${READ_MIX.user * 100} %, ` +
        `job status ${READ_MIX.job_status * 100} %, document summary ${READ_MIX.doc_summary * 100} %) ` +
        `or, ${WRITE_SHARE * 100} % of the time, updates a user or a job status and invalidates it. ` +
        `Ids Zipf s=${ZIPF_S} over ${IDS.user} users / ${IDS.job_status} jobs / ${IDS.doc_summary} documents ` +
        `(hottest id: ${(100 * top("user")).toFixed(1)} / ${(100 * top("job_status")).toFixed(1)} / ` +
        `${(100 * top("doc_summary")).toFixed(1)} % of its reads; half the reads go to the ` +
        `${ZIPFS.user.idsForShare(0.5)} / ${ZIPFS.job_status.idsForShare(0.5)} / ` +
        `${ZIPFS.doc_summary.idsForShare(0.5)} hottest). DB: ${DB_LATENCY_MS} ms timer per query, ` +
        `no pool limit. Seed TTLs, unscaled: user ${b.config.CACHE_USER_TTL} s, job status ` +
        `${b.config.CACHE_JOB_STATUS_TTL} s, document ${b.config.CACHE_DOCUMENT_TTL} s; every mode starts on an empty Redis.`,
    );
    printTable(
      "2) Simulated backend: requests, DB queries and read latency (latency = one read request; writes excluded)",
      [
        "mode",
        "time s",
        "reads",
        "writes",
        "req/s",
        "DB reads",
        "queries/read",
        "2nd half q/read",
        "fewer queries %",
        "p50 ms",
        "p99 ms",
        "mean ms",
        "p50 faster %",
        "p99 faster %",
      ],
      modes.map((m) => [
        m.mode.label,
        m.ms / 1000,
        m.reads,
        m.writes,
        m.requests / (m.ms / 1000),
        m.dbReads,
        qpr(m),
        m.secondHalf.dbReads / m.secondHalf.reads,
        pct(1 - qpr(m)),
        m.latency.p50,
        m.latency.p99,
        m.latency.mean,
        m === direct ? null : pct(faster(m, "p50")),
        m === direct ? null : pct(faster(m, "p99")),
      ]),
    );
    const rateRow = (m: ModeResult): Cell[] => [
      m.mode.label,
      pct(m.serverHitRate),
      m.serverWindowSeconds,
      ...KINDS.map((k) => pct(m.namespaces[k]?.hitRate ?? null)),
      pct(1 - qpr(m)),
      ...KINDS.map((k) => m.dbReadsBy[k]),
      m.stale ? `${m.stale.user} / ${m.updatedIds.user}` : null,
      m.stale ? `${m.stale.job_status} / ${m.updatedIds.job_status}` : null,
    ];
    printTable(
      "2) Hit rates with the cache on: server-wide (inspectCache, INFO keyspace deltas) and per namespace (shared counters)",
      [
        "mode",
        "server hit %",
        "window s",
        "user hit %",
        "job_status hit %",
        "doc_summary hit %",
        "reads not queried %",
        "DB user",
        "DB job_status",
        "DB doc_summary",
        "stale users / updated",
        "stale jobs / updated",
      ],
      [on, paced].map(rateRow),
    );
    console.log(
      "stale = cached users / job statuses older than the database at the end of the run " +
        "(a read's snapshot stored after a concurrent write's invalidation); they last until their TTL.",
    );
    printTable(
      "2) The seed's claims (informational, no target)",
      ["claim", "seed", "ON closed loops", "ON paced at OFF's rate"],
      [
        ["fewer DB queries (vs no cache), %", "80–90", pct(1 - qpr(on)), pct(1 - qpr(paced))],
        ["faster responses, p50, %", "50–70", pct(faster(on, "p50")), pct(faster(paced, "p50"))],
        ["faster responses, p99, %", "50–70", pct(faster(on, "p99")), pct(faster(paced, "p99"))],
        ["faster responses, mean, %", "50–70", pct(faster(on, "mean")), pct(faster(paced, "mean"))],
        [
          "requests/s at 50 loops (× OFF)",
          "5–10",
          on.requests / (on.ms / 1000) / offRate,
          paced.requests / (paced.ms / 1000) / offRate,
        ],
      ],
    );
    if (qpr(disabled) < 0.999) {
      console.log(
        `note: with { enabled: false } RedisCache still coalesces concurrent reads of one key ` +
          `(getOrSet's single-flight), so the "off" cache made ${qpr(disabled).toFixed(3)} DB queries per read, ` +
          `not 1; reductions above are against the direct no-cache baseline (1 query per read).`,
      );
    }
    const modeJson = (m: ModeResult) => ({
      label: m.mode.label,
      seconds: m.ms / 1000,
      requests: m.requests,
      reads: m.reads,
      writes: m.writes,
      requestsPerSec: m.requests / (m.ms / 1000),
      dbReads: m.dbReads,
      dbReadsBy: m.dbReadsBy,
      queriesPerRead: qpr(m),
      secondHalfQueriesPerRead: m.secondHalf.dbReads / m.secondHalf.reads,
      queryReductionPct: pct(1 - qpr(m)),
      p50Ms: m.latency.p50,
      p99Ms: m.latency.p99,
      meanMs: m.latency.mean,
      maxMs: m.latency.max,
      p50FasterPct: m === direct ? null : pct(faster(m, "p50")),
      p99FasterPct: m === direct ? null : pct(faster(m, "p99")),
      serverHitRate: m.serverHitRate,
      namespaces: m.namespaces,
      guard: m.guard,
      staleAtEnd: m.stale,
      updatedIds: m.updatedIds,
    });
    return {
      redisVersion: b.redisVersion,
      targets: [],
      results: {
        seed: {
          workload: {
            loops: LOOPS,
            zipfS: ZIPF_S,
            ids: IDS,
            readMix: READ_MIX,
            writeShare: WRITE_SHARE,
            dbLatencyMs: DB_LATENCY_MS,
            ttls: {
              user: b.config.CACHE_USER_TTL,
              jobStatus: b.config.CACHE_JOB_STATUS_TTL,
              document: b.config.CACHE_DOCUMENT_TTL,
            },
          },
          modes: Object.fromEntries(modes.map((m) => [m.mode.id, modeJson(m)])),
          seedClaims: { queryReductionPct: "80-90", fasterPct: "50-70", informational: true },
        },
      },
    };
  } finally {
    await b.stop();
  }
}

// ---------------------------------------------------------------- run

/**
 * Options (for looking around while developing; targets are judged on a full run):
 * --only 1,2 picks scenarios; --rounds N and --seconds S set scenario 1's rounds
 * and measured seconds per round and system (5 × 1.5 s); --mode-seconds S sets
 * scenario 2's window with the cache on (30 s, six job-status TTLs; OFF runs half).
 */
export async function run(args: string[]): Promise<Summary> {
  const only = (option(args, "--only") ?? "1,2").split(",");
  const unknown = only.filter((id) => id !== "1" && id !== "2");
  if (unknown.length > 0) throw new Error(`--only expects 1 or 2 (got ${unknown.join(", ")})`);
  const rounds = Number(option(args, "--rounds") ?? 5);
  const seconds = Number(option(args, "--seconds") ?? 1.5);
  const modeSeconds = Number(option(args, "--mode-seconds") ?? 30);
  if (!(Number.isInteger(rounds) && rounds >= 1))
    throw new Error("--rounds expects an integer ≥ 1");
  if (!(seconds > 0) || !(modeSeconds > 0)) throw new Error("--seconds expects a positive number");
  const started = new Date();
  const peerIoredis = peerVersion("ioredis");
  const environment = {
    node: process.version,
    cpus: cpus().length,
    loadavg1mAtStart: loadavg()[0],
    bentocache: peerVersion("bentocache"),
    ioredisRedrive: (createRequire(import.meta.url)("ioredis/package.json") as { version: string })
      .version,
    ioredisBentocache: peerIoredis,
    scenarios: only,
    rounds,
    secondsPerRound: seconds,
    modeSeconds,
  };
  console.log(
    `Redrive cache benchmark — node ${process.version}, ${cpus().length} CPUs, load ` +
      `${loadavg()[0]!.toFixed(2)}, bentocache ${environment.bentocache} (ioredis ${peerIoredis}), ` +
      `Redrive on ioredis ${environment.ioredisRedrive}`,
  );
  const targets: Target[] = [];
  const results: Record<string, unknown> = {};
  let redisVersion = "unknown";
  if (only.includes("1")) {
    const outcome = await scenarioHits(rounds, seconds * 1000);
    targets.push(...outcome.targets);
    Object.assign(results, outcome.results);
    redisVersion = outcome.redisVersion;
  }
  if (only.includes("2")) {
    const outcome = await scenarioSeed(modeSeconds * 1000);
    targets.push(...outcome.targets);
    Object.assign(results, outcome.results);
    redisVersion = outcome.redisVersion;
  }
  const loadAtEnd = loadavg()[0]!;
  if (Math.max(environment.loadavg1mAtStart ?? 0, loadAtEnd) > 1.5) {
    console.log(
      `\nnote: the machine was busy (1-minute load ${environment.loadavg1mAtStart?.toFixed(2)} at start, ` +
        `${loadAtEnd.toFixed(2)} at end, ${cpus().length} CPUs): throughput figures are noisy.`,
    );
  }
  return summarize(
    "cache",
    started,
    { ...environment, loadavg1mAtEnd: loadAtEnd, redis: redisVersion },
    results,
    targets,
  );
}
