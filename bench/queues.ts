import { cpus, loadavg } from "node:os";
import { gzipSync } from "node:zlib";
import { takeSample, tiers } from "../lib/metrics/history";
import { keysOf, type EngineContext } from "../lib/queues/context";
import { RetryWorkerService } from "../lib/worker/service";
import { median } from "./lib/check";
import { fillDlq } from "./lib/dlq-fill";
import { fillHistory } from "./lib/history-fill";
import { ensureProductionBuild, startNextApp, type NextApp } from "./lib/next-app";
import { count, parseOptions, scale } from "./lib/options";
import { startBenchServer, type BenchServer } from "./lib/server";
import { summarize, target, type Summary, type Target } from "./lib/summary";
import { Count, printTable, type Cell } from "./lib/table";

/**
 * `npm run bench -- queues [--scale F] [--runs N]`: what a hundred queues
 * cost beside four, from the production build, each queue's DLQ holding
 * 10 000 dead letters and an hour of metrics history:
 *   1) the overview's API (overview, stats, insights): median time of fresh
 *      reads and the gzipped size of each answer, at 4 and at 100 queues;
 *      targets: every overview poll under 50 KB gzipped, times at most 3× the
 *      4-queue figures. The insights reuse a queue's figures while its DLQ is
 *      unchanged and read only the new entries of one that gained some at the
 *      head (lib/metrics/insights.ts), fresh reads included, so they are
 *      measured three times: repeated (nothing changed), changed (every DLQ
 *      gained an entry before each call) and whole (every DLQ changed inside
 *      its window, so every window is read again: what a poll costs once a
 *      minute, when the windows are read again whatever happened, or after
 *      entries were removed from every DLQ);
 *   2) the metrics history's Redis memory for 7 days at 100 queues (every tier
 *      full); target under 50 MB;
 *   3) the worker service's run per cycle at 100 queues (promotion, recovery,
 *      purge) and its metrics sample; target: a cycle under a tenth of
 *      RETRY_WORKER_INTERVAL_SECONDS.
 * The browser's side (time to the first "needs attention" row) is
 * `npm run bench -- ui --only many`.
 */
const OPTIONS = { scale: scale(), runs: count("--runs", 20) };
export const MANY = 100;
const FEW = 4;
export const PER_QUEUE = 10_000;
/** Due retries per queue before the first worker cycle. */
const DUE = 10;
const INSIGHTS = "/api/admin/insights";
const API = ["/api/admin/overview", "/api/admin/dlq/stats", INSIGHTS] as const;

export const queueNames = (n: number) =>
  Array.from({ length: n }, (_, k) => `q${String(k).padStart(3, "0")}`);

/** `n` queues of `perQueue` dead letters each, and the hour's history. */
export async function loadQueues(b: BenchServer, queues: string[], perQueue: number) {
  await b.flush();
  const t0 = performance.now();
  for (const q of queues) await fillDlq(b.redis, b.config, q, perQueue);
  const sizes = Object.fromEntries(queues.map((q) => [q, perQueue]));
  await fillHistory(b.engine.ctx, sizes);
  return (performance.now() - t0) / 1000;
}

interface ApiFigure {
  /** Repeated fresh reads: for the insights, of DLQs that did not change. */
  medianMs: number;
  maxMs: number;
  bytes: number;
  gzipBytes: number;
  /** Insights only: the first call after every DLQ changed, and the median of such calls. */
  firstMs?: number;
  coldMedianMs?: number;
  /** Insights only: the median call after every DLQ changed inside its window. */
  wholeMedianMs?: number;
}

/** One fresh read of `path`, timed; a refusal stops the benchmark with its body. */
async function timedCall(app: NextApp, path: string): Promise<{ ms: number; body: Buffer }> {
  const headers = { cookie: app.cookie, "cache-control": "no-cache" };
  const t0 = performance.now();
  const res = await fetch(app.url + path, { headers });
  const body = Buffer.from(await res.arrayBuffer());
  const ms = performance.now() - t0;
  if (res.status !== 200) {
    throw new Error(`${path} answered ${res.status}: ${body.toString("utf8", 0, 500)}`);
  }
  return { ms, body };
}

/** `runs` calls, each after `change`. */
async function timeAfter(app: NextApp, path: string, runs: number, change: () => Promise<void>) {
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    await change();
    ms.push((await timedCall(app, path)).ms);
  }
  return ms;
}

/**
 * After one untimed call (the route's code loaded), `runs` calls after each
 * of `changes` when given (a small change, then one every window sees), then
 * `runs` repeated ones.
 */
async function timeApi(
  app: NextApp,
  path: string,
  runs: number,
  changes?: { small: () => Promise<void>; whole: () => Promise<void> },
): Promise<ApiFigure> {
  await timedCall(app, path);
  const cold = changes ? await timeAfter(app, path, runs, changes.small) : [];
  const whole = changes ? await timeAfter(app, path, runs, changes.whole) : [];
  const ms: number[] = [];
  let body: Buffer = Buffer.alloc(0);
  for (let i = 0; i < runs; i++) {
    const call = await timedCall(app, path);
    ms.push(call.ms);
    body = call.body;
  }
  return {
    medianMs: median(ms),
    maxMs: Math.max(...ms),
    bytes: body.byteLength,
    gzipBytes: gzipSync(body).byteLength,
    ...(changes
      ? { firstMs: cold[0], coldMedianMs: median(cold), wholeMedianMs: median(whole) }
      : {}),
  };
}

/**
 * Moves an entry from inside every DLQ's window (the 500th) to its head, as
 * a requeue of one message there would take it out: no window can follow on
 * from what it held, and each is read again.
 */
function changeEveryWindow(b: BenchServer, queues: string[]): () => Promise<void> {
  return async () => {
    const dlqs = queues.map((q) => keysOf(b.engine.ctx, q).dlq);
    const picked = await Promise.all(dlqs.map((dlq) => b.redis.lindexBuffer(dlq, 500)));
    const pipeline = b.redis.pipeline();
    dlqs.forEach((dlq, i) => pipeline.lrem(dlq, 1, picked[i]!).lpush(dlq, picked[i]!));
    const results = (await pipeline.exec()) ?? [];
    for (const [err] of results) if (err) throw err;
  };
}

/**
 * Changes every DLQ of `queues` the least a DLQ changes: its oldest entry
 * moved to the head (LMOVE), as a dead letter that failed again would come.
 * Length and entries stay; the newest, the oldest and the window move.
 */
function changeEveryDlq(b: BenchServer, queues: string[]): () => Promise<void> {
  return async () => {
    const pipeline = b.redis.pipeline();
    for (const q of queues) {
      const dlq = keysOf(b.engine.ctx, q).dlq;
      pipeline.lmove(dlq, dlq, "RIGHT", "LEFT");
    }
    const results = (await pipeline.exec()) ?? [];
    for (const [err] of results) if (err) throw err;
  };
}

async function apiAt(b: BenchServer, n: number, perQueue: number, runs: number) {
  const queues = queueNames(n);
  const loadSeconds = await loadQueues(b, queues, perQueue);
  const app = await startNextApp(b.redriveEnv, queues);
  try {
    const figures: Record<string, ApiFigure> = {};
    for (const path of API) {
      const changes =
        path === INSIGHTS
          ? { small: changeEveryDlq(b, queues), whole: changeEveryWindow(b, queues) }
          : undefined;
      figures[path] = await timeApi(app, path, runs, changes);
    }
    return { loadSeconds, figures };
  } finally {
    await app.stop();
  }
}

/** Every tier of the history filled as 7 days of samples at 100 queues leave it. */
async function historyMemory(b: BenchServer, queues: string[], perQueue: number) {
  const ctx = contextFor(b, queues);
  const keys = Object.values(tiers(ctx.config)).map((t) => t.key);
  await b.redis.del(...keys);
  const t0 = performance.now();
  const samples = await fillHistory(
    ctx,
    Object.fromEntries(queues.map((q) => [q, perQueue])),
    7 * 86_400,
  );
  const seconds = (performance.now() - t0) / 1000;
  const bytes = await Promise.all(
    keys.map(async (k) => Number(await b.redis.call("MEMORY", "USAGE", k, "SAMPLES", "0"))),
  );
  return { samples, seconds, bytes: bytes.reduce((a, x) => a + x, 0), perTier: bytes };
}

/** The bench server's engine, configured for `queues`. */
function contextFor(b: BenchServer, queues: string[]): EngineContext {
  return { ...b.engine.ctx, config: { ...b.config, QUEUES: queues } };
}

async function workerCycles(b: BenchServer, queues: string[], runs: number) {
  const ctx = contextFor(b, queues);
  const now = Date.now() / 1000;
  const pipeline = b.redis.pipeline();
  for (const q of queues) {
    for (let i = 0; i < DUE; i++) pipeline.zadd(`${q}_retry`, now - 60, `{"id":"${q}-r${i}"}`);
  }
  await pipeline.exec();
  const worker = new RetryWorkerService(ctx, () => undefined);
  const t0 = performance.now();
  const first = await worker.runOnce();
  const firstMs = performance.now() - t0;
  const promoted = Object.values(first.promoted).reduce((a, x) => a + x, 0);
  const steady: number[] = [];
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t1 = performance.now();
    await worker.runOnce();
    steady.push(performance.now() - t1);
    const t2 = performance.now();
    await takeSample(ctx);
    samples.push(performance.now() - t2);
  }
  await worker.stop();
  return {
    firstMs,
    promoted,
    steadyMedianMs: median(steady),
    steadyMaxMs: Math.max(...steady),
    sampleMedianMs: median(samples),
    intervalSeconds: b.config.RETRY_WORKER_INTERVAL_SECONDS,
  };
}

type Api = Awaited<ReturnType<typeof apiAt>>;

/** One row per path; the insights' repeated reads, then the changed ones (first call, median), then the whole ones. */
function apiRows(few: Api, many: Api): Cell[][] {
  return API.flatMap((path) => {
    const f = few.figures[path]!;
    const m = many.figures[path]!;
    const row = (label: string, fm: number, mm: number, sizes: boolean): Cell[] => [
      label,
      fm,
      mm,
      mm / fm,
      ...(sizes ? [f.gzipBytes / 1024, m.gzipBytes / 1024, m.bytes / 1024] : []),
    ];
    if (path !== INSIGHTS) return [row(path, f.medianMs, m.medianMs, true)];
    return [
      row(`${path} (repeated, DLQs unchanged)`, f.medianMs, m.medianMs, true),
      row(`${path} (changed: first call)`, f.firstMs!, m.firstMs!, false),
      row(`${path} (changed: median)`, f.coldMedianMs!, m.coldMedianMs!, false),
      row(`${path} (whole: median)`, f.wholeMedianMs!, m.wholeMedianMs!, false),
    ];
  });
}

function reportApi(few: Api, many: Api): Target[] {
  printTable(
    `The overview's API, fresh reads (Cache-Control: no-cache), ${FEW} vs ${MANY} queues; insights changed: every DLQ gained an entry before each call; whole: every window changed`,
    [
      "GET",
      `${FEW} queues ms`,
      `${MANY} queues ms`,
      "ratio",
      `${FEW} queues KB gz`,
      `${MANY} queues KB gz`,
      `${MANY} queues KB`,
    ],
    apiRows(few, many),
  );
  const poll = API.reduce((a, p) => a + many.figures[p]!.gzipBytes, 0) / 1024;
  const ratio = (id: string, description: string, value: number) =>
    target(id, description, value, "<=", 3, "×");
  return [
    target("poll-size", `one overview poll at ${MANY} queues, gzipped`, poll, "<=", 50, "KB"),
    ...API.map((p) =>
      ratio(
        `ratio${p}`,
        `${p}: ${MANY} ÷ ${FEW} queues, median${p === INSIGHTS ? " (repeated, DLQs unchanged)" : ""}`,
        many.figures[p]!.medianMs / few.figures[p]!.medianMs,
      ),
    ),
    ratio(
      `ratio-cold${INSIGHTS}`,
      `${INSIGHTS}: ${MANY} ÷ ${FEW} queues, median, every DLQ gained an entry`,
      many.figures[INSIGHTS]!.coldMedianMs! / few.figures[INSIGHTS]!.coldMedianMs!,
    ),
  ];
}

function reportRest(
  memory: Awaited<ReturnType<typeof historyMemory>>,
  cycles: Awaited<ReturnType<typeof workerCycles>>,
): Target[] {
  printTable(
    `Metrics history, 7 days of samples every 10 s at ${MANY} queues (every tier full)`,
    ["samples written", "seconds", "MB (1 h / 24 h / 7 d tiers)", "MB total"],
    [
      [
        new Count(memory.samples),
        memory.seconds,
        memory.perTier.map((x) => (x / 2 ** 20).toFixed(2)).join(" / "),
        memory.bytes / 2 ** 20,
      ],
    ],
  );
  printTable(
    `Worker service at ${MANY} queues (${DUE} due retries each before the first cycle)`,
    ["first cycle ms", "promoted", "cycle ms (median)", "cycle ms (max)", "sample ms (median)"],
    [
      [
        cycles.firstMs,
        new Count(cycles.promoted),
        cycles.steadyMedianMs,
        cycles.steadyMaxMs,
        cycles.sampleMedianMs,
      ],
    ],
  );
  const budget = (cycles.intervalSeconds * 1000) / 10;
  return [
    target("history-7d", "history for 7 days", memory.bytes / 2 ** 20, "<=", 50, "MB"),
    target("cycle-first", "worker cycle with due retries", cycles.firstMs, "<=", budget, "ms"),
    target("cycle-steady", "worker cycle, median", cycles.steadyMedianMs, "<=", budget, "ms"),
  ];
}

export async function run(args: string[]): Promise<Summary> {
  const o = parseOptions(args, OPTIONS);
  const started = new Date();
  const buildSeconds = ensureProductionBuild();
  const perQueue = Math.max(100, Math.round(PER_QUEUE * o.scale));
  const b = await startBenchServer(queueNames(MANY).join(","));
  try {
    await b.ping.close();
    console.log(
      `Redrive queues benchmark — node ${process.version}, ${cpus().length} CPUs, load ${loadavg()[0]!.toFixed(2)}, redis ${b.redisVersion}, ${perQueue} dead letters a queue`,
    );
    const few = await apiAt(b, FEW, perQueue, o.runs);
    const many = await apiAt(b, MANY, perQueue, o.runs);
    const targets = reportApi(few, many);
    const cycles = await workerCycles(b, queueNames(MANY), o.runs);
    const memory = await historyMemory(b, queueNames(MANY), perQueue);
    targets.push(...reportRest(memory, cycles));
    const environment = {
      node: process.version,
      cpus: cpus().length,
      loadavg1mAtStart: loadavg()[0],
      redis: b.redisVersion,
      perQueue,
      buildSeconds,
    };
    const results = { few, many, memory, cycles };
    return summarize("queues", started, environment, results, targets);
  } finally {
    await b.stop();
  }
}
