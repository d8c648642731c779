import type Redis from "ioredis";
import { cacheKeys } from "../../lib/cache/namespaces";
import { check, median } from "../lib/check";
import { closedLoops, Latencies } from "../lib/load";
import { startBenchServer, type BenchServer } from "../lib/server";
import { target } from "../lib/summary";
import { printTable, type Cell } from "../lib/table";
import { HIT_KEYS, hitKeys, hitSystems, type HitSystem } from "./hit-systems";
import { userRecord } from "./records";
import { keyspaceStats, type KeyspaceStats, type ScenarioResult } from "./shared";

/**
 * Scenario 1: getOrSet hit throughput, 100 concurrent callers over 10 000
 * pre-populated keys, against raw ioredis GET and bentocache's getOrSet with
 * only its Redis tier. Rounds rotate the order, so no system always runs first.
 */

const HIT_CONCURRENCY = 100;
const HIT_WARMUP_MS = 500;

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

/** What a system's rounds add up to. */
interface Totals {
  calls: number;
  ms: number;
  rates: number[];
  lat: Latencies;
  ks: KeyspaceStats;
  pingP99: number;
  pingWorst: number;
  pings: number;
}

const opsPerSec = (r: { calls: number; ms: number }) => r.calls / (r.ms / 1000);

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

/** Every reader sees real values, byte for byte the same for the two GET-based systems. */
async function checkReaders(systems: HitSystem[]): Promise<void> {
  const sample = hitKeys()[42]!;
  check(
    (await systems.find((s) => s.id === "rawGet")!.get(sample)) === JSON.stringify(userRecord(43)),
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
}

/** One measured window of one system, added to its totals. */
async function measureRound(b: BenchServer, s: HitSystem, measureMs: number, a: Totals) {
  const keys = hitKeys();
  const pick = () => keys[Math.floor(Math.random() * HIT_KEYS)]!;
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

async function measureHits(
  b: BenchServer,
  systems: HitSystem[],
  rounds: number,
  measureMs: number,
): Promise<HitResult[]> {
  const totals = new Map<string, Totals>();
  for (const s of systems) {
    totals.set(s.id, {
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
    for (const s of order) await measureRound(b, s, measureMs, totals.get(s.id)!);
  }
  return systems.map((s) => {
    const a = totals.get(s.id)!;
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
}

/** Every call was a hit that reached Redis, and Redrive's guard never stepped in. */
function checkHits(
  results: HitResult[],
  guard: ReturnType<NonNullable<HitSystem["health"]>> | undefined,
) {
  check(
    guard !== undefined && guard.errors === 0 && guard.timeouts === 0 && guard.skipped === 0,
    `Redrive's guard saw no error, timeout or skip (${JSON.stringify(guard)})`,
  );
  for (const r of results) {
    check(r.loaderCalls === 0, `${r.label}: loader ran ${r.loaderCalls} times on hits`);
    check(r.missesPerCall === 0, `${r.label}: ${r.missesPerCall} keyspace misses per call`);
  }
  // No in-memory tier may answer: every bentocache call must have reached Redis.
  for (const [id, name] of [
    ["bentocache", "bentocache"],
    ["bentocacheDefaults", "bentocache (defaults)"],
  ] as const) {
    const hits = results.find((r) => r.id === id)!.hitsPerCall;
    check(hits >= 0.999, `${name}: ${hits} Redis hits per call`);
  }
}

function printHits(results: HitResult[], valueBytes: number, rounds: number, measureMs: number) {
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
}

/** The ratios of ops/s that the targets and the ratio table read. */
function hitRatios(results: HitResult[]): Cell[][] {
  const by = (id: string) => results.find((r) => r.id === id)!;
  const ratio = (x: string, y: string) => rateOf(by(x)) / rateOf(by(y));
  return [
    ["Redrive / raw GET (same client options)", ratio("redrive", "rawGet"), "target ≥ 0.8"],
    [
      "Redrive / bentocache L2-only (same client options)",
      ratio("redrive", "bentocache"),
      "target ≥ 1.0",
    ],
    ["Redrive / raw GET (ioredis defaults)", ratio("redrive", "rawGetDefaults"), ""],
    ["Redrive / bentocache L2-only (ioredis defaults)", ratio("redrive", "bentocacheDefaults"), ""],
    ["bentocache / raw ioredis 5 GET (its own client)", ratio("bentocache", "rawGetIoredis5"), ""],
    ["raw ioredis 6 GET / raw ioredis 5 GET", ratio("rawGet", "rawGetIoredis5"), ""],
  ];
}

function systemJson(r: HitResult) {
  return {
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
  };
}

export async function scenarioHits(rounds: number, measureMs: number): Promise<ScenarioResult> {
  const b = await startBenchServer();
  try {
    await b.flush();
    const valueBytes = await populateUsers(b.redis, HIT_KEYS);
    const { systems, notes } = await hitSystems(b);
    await checkReaders(systems);
    const results = await measureHits(b, systems, rounds, measureMs);
    const guard = systems.find((s) => s.id === "redrive")!.health?.();
    for (const s of systems) await s.close();
    checkHits(results, guard);

    printHits(results, valueBytes, rounds, measureMs);
    const ratios = hitRatios(results);
    printTable("1) Ratios of ops/s", ["ratio", "value", "note"], ratios);
    for (const n of notes) console.log(`note: ${n}`);
    const [vsRawGet, vsBentocache] = ratios.map((r) => r[1] as number);
    return {
      redisVersion: b.redisVersion,
      targets: [
        target(
          "hits.vsRawGet",
          "1) getOrSet hits: Redrive / raw ioredis GET",
          vsRawGet!,
          ">=",
          0.8,
          "×",
        ),
        target(
          "hits.vsBentocache",
          "1) getOrSet hits: Redrive / bentocache (L2 only)",
          vsBentocache!,
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
          systems: Object.fromEntries(results.map((r) => [r.id, systemJson(r)])),
          ratios: Object.fromEntries(ratios.map(([k, v]) => [k, v])),
          redriveGuard: guard,
        },
      },
    };
  } finally {
    await b.stop();
  }
}
