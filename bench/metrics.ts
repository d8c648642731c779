import { cpus, loadavg } from "node:os";
import { median } from "./lib/check";
import { ensureProductionBuild, startNextApp, type NextApp } from "./lib/next-app";
import { count, parseOptions, scale } from "./lib/options";
import { cpuSplit, startBenchServer, type BenchServer } from "./lib/server";
import { summarize, target, type Summary } from "./lib/summary";
import { Count, printTable } from "./lib/table";
import { QUEUES } from "./ui/shared";
import { DLQ_SIZE, loadOverviewData } from "./ui/overview";

/**
 * `npm run bench -- metrics [--scale F] [--runs N]`: GET /api/metrics as a
 * Prometheus server scrapes it, from the production build, with four
 * 1 000 000-message DLQs and an hour of metrics history in Redis:
 *   1) fresh scrapes one after another (Cache-Control: no-cache: each reads Redis):
 *      time, bytes and series; target median ≤ 50 ms, worst PING during them ≤ 10 ms;
 *   2) bursts of 10 scrapes at once, as Prometheus sends them (no Cache-Control),
 *      more than a second apart: the Redis reads a burst costs, counted from INFO commandstats
 *      (LLEN calls); target: one read's worth, the scrapes share it.
 */
const OPTIONS = { scale: scale(), runs: count("--runs", 30) };
const TOKEN = "bench-metrics-token-bench-metrics-token";
const BURST = 10;

interface Scrape {
  ms: number;
  bytes: number;
  series: number;
}

async function scrape(app: NextApp, fresh = true): Promise<Scrape> {
  const t0 = performance.now();
  const authorization = `Bearer ${TOKEN}`;
  const res = await fetch(`${app.url}/api/metrics`, {
    headers: fresh ? { authorization, "cache-control": "no-cache" } : { authorization },
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`/api/metrics answered ${res.status}: ${text}`);
  const series = text.split("\n").filter((l) => l && !l.startsWith("#")).length;
  return { ms: performance.now() - t0, bytes: Buffer.byteLength(text), series };
}

async function llenCalls(b: BenchServer): Promise<number> {
  const stats = await b.redis.info("commandstats");
  return Number(/cmdstat_llen:calls=(\d+)/.exec(stats)?.[1] ?? 0);
}

const p = (values: number[], q: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(q * values.length))]!;

async function sequential(b: BenchServer, app: NextApp, runs: number) {
  // Why a PING waited: a slow command (SLOWLOG), or Redis kept off a CPU (run-queue wait).
  const split = await cpuSplit(b.redis);
  const { result: scrapes, ping } = await b.ping.measure(async () => {
    const out: Scrape[] = [];
    for (let i = 0; i < runs; i++) out.push(await scrape(app));
    return out;
  });
  const ms = scrapes.map((s) => s.ms);
  const cpu = await split();
  return {
    longestCommandMs: cpu.longestCommandMs,
    redisCpuMsPerScrape: cpu.redisCpuMs / runs,
    redisWaitMs: cpu.redisWaitMs,
    runs,
    medianMs: median(ms),
    p95Ms: p(ms, 0.95),
    minMs: Math.min(...ms),
    maxMs: Math.max(...ms),
    bytes: scrapes.at(-1)!.bytes,
    series: scrapes.at(-1)!.series,
    worstPingMs: ping.worstMs,
  };
}

type Sequential = Awaited<ReturnType<typeof sequential>>;
type Bursts = Awaited<ReturnType<typeof bursts>>;

async function bursts(b: BenchServer, app: NextApp, rounds: number) {
  const first = await llenCalls(b);
  await scrape(app);
  // One scrape's LLEN calls: one read of the Redis figures.
  const perRead = (await llenCalls(b)) - first;
  const reads: number[] = [];
  const walls: number[] = [];
  for (let i = 0; i < rounds; i++) {
    // Past the second for which a scrape without Cache-Control takes the last answer.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const before = await llenCalls(b);
    const t0 = performance.now();
    await Promise.all(Array.from({ length: BURST }, () => scrape(app, false)));
    walls.push(performance.now() - t0);
    // The INFO call itself is no LLEN: the difference is the scrapes' alone.
    reads.push(((await llenCalls(b)) - before) / perRead);
  }
  return {
    burst: BURST,
    rounds,
    llenPerRead: perRead,
    medianReads: median(reads),
    medianWallMs: median(walls),
  };
}

function report(size: number, runs: number, seq: Sequential, burst: Bursts) {
  printTable(
    `GET /api/metrics, four DLQs of ${size} (${runs} fresh scrapes, one after another)`,
    [
      "median ms",
      "p95 ms",
      "min ms",
      "max ms",
      "bytes",
      "series",
      "worst PING ms",
      "longest command ms",
      "Redis CPU ms/scrape",
      "Redis run-queue wait ms",
    ],
    [
      [
        seq.medianMs,
        seq.p95Ms,
        seq.minMs,
        seq.maxMs,
        new Count(seq.bytes),
        new Count(seq.series),
        seq.worstPingMs,
        seq.longestCommandMs,
        seq.redisCpuMsPerScrape,
        seq.redisWaitMs,
      ],
    ],
  );
  printTable(
    `Bursts of ${BURST} scrapes at once (${burst.rounds} rounds)`,
    ["Redis reads per burst (median)", "burst wall ms (median)"],
    [[burst.medianReads, burst.medianWallMs]],
  );
  return [
    target("scrape-median", "fresh scrape, median", seq.medianMs, "<=", 50, "ms"),
    target("scrape-ping", "worst PING during scrapes", seq.worstPingMs, "<=", 10, "ms"),
    target(
      "burst-reads",
      `Redis reads for ${BURST} scrapes at once`,
      burst.medianReads,
      "<=",
      1,
      "reads",
    ),
  ];
}

export async function run(args: string[]): Promise<Summary> {
  const o = parseOptions(args, OPTIONS);
  const started = new Date();
  const buildSeconds = ensureProductionBuild();
  const b = await startBenchServer(QUEUES.join(","));
  let app: NextApp | undefined;
  try {
    const size = Math.max(1000, Math.round(DLQ_SIZE * o.scale));
    console.log(
      `Redrive metrics benchmark — node ${process.version}, ${cpus().length} CPUs, load ${loadavg()[0]!.toFixed(2)}, redis ${b.redisVersion}, DLQs of ${size}`,
    );
    const data = await loadOverviewData(b, size);
    app = await startNextApp({ ...b.redriveEnv, REDRIVE_METRICS_TOKEN: TOKEN }, QUEUES);
    for (let i = 0; i < 3; i++) await scrape(app); // warm: the first compiles the route
    const seq = await sequential(b, app, o.runs);
    const burst = await bursts(b, app, Math.max(3, Math.round(o.runs / 6)));
    const targets = report(size, o.runs, seq, burst);
    const environment = {
      node: process.version,
      cpus: cpus().length,
      loadavg1mAtStart: loadavg()[0],
      redis: b.redisVersion,
      size,
      buildSeconds,
    };
    const results = { data, sequential: seq, bursts: burst };
    return summarize("metrics", started, environment, results, targets);
  } finally {
    await app?.stop().catch(() => undefined);
    await b.stop();
  }
}
