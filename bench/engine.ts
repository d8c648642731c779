import { cpus, loadavg } from "node:os";
import type Redis from "ioredis";
import { keysOf } from "../lib/queues/context";
import { forRequeue } from "../lib/queues/message";
import { retentionSeconds } from "../lib/queues/producer";
import { addFailedJobs, loadBullMQ, type BullConnection } from "./lib/bullmq";
import {
  dlqEntry,
  loadDlq,
  loadDueRetries,
  payload,
  payloadBytes,
  type DlqWriter,
} from "./lib/data";
import { peerVersion } from "./lib/peers";
import type { PingStats } from "./lib/ping";
import { cpuSplit, startBenchServer, type BenchServer, type CpuSplit } from "./lib/server";
import { summarize, target, type Summary, type Target } from "./lib/summary";
import { printTable, type Cell } from "./lib/table";

/**
 * `npm run bench -- engine [--scale F] [--only a,b,c]`: Redrive's queue engine
 * against BullMQ and a one-message-per-call promoter, on a redis-server of its
 * own, each scenario on an empty server: a) promotion of due retries, b) requeue
 * all of a DLQ (entries written by Redrive, and by the seed's Python backend),
 * c) requeue one message at the head, middle and end of a DLQ.
 */

const QUEUE = "document";

interface Sizes {
  promote: number;
  onePerCallMax: number;
  onePerCallFallback: number;
  dlq: number;
  bullmqFailed: number;
  middle: number;
  reps: number;
}

function sizes(scale: number): Sizes {
  const s = (n: number) => Math.max(10, Math.round(n * scale));
  return {
    promote: s(100_000),
    onePerCallMax: s(100_000),
    onePerCallFallback: s(20_000),
    dlq: s(1_000_000),
    bullmqFailed: s(100_000),
    middle: s(500_000),
    reps: 5,
  };
}

/** Budget for the one-per-call promoter: above it, stop at the fallback count. */
const ONE_PER_CALL_BUDGET_S = 60;

interface Phase<T> {
  result: T;
  ms: number;
  ping: PingStats;
  cpu: CpuSplit;
}

/** Runs `fn` as a measured phase: wall time, PING window and where the CPU time went. */
async function phase<T>(b: BenchServer, fn: () => Promise<T>): Promise<Phase<T>> {
  const stopCpu = await cpuSplit(b.redis);
  const { result, ms, ping } = await b.ping.measure(fn);
  return { result, ms, ping, cpu: await stopCpu() };
}

function perSecond(count: number, ms: number): number {
  return count / (ms / 1000);
}

function check(condition: boolean, what: string): void {
  if (!condition) throw new Error(`benchmark check failed: ${what}`);
}

function bullConnection(b: BenchServer): BullConnection {
  return { host: b.host, port: b.port, maxRetriesPerRequest: null };
}

const seconds = (ms: number) => ms / 1000;

// ---------------------------------------------------------------- a) promotion

interface Row {
  system: string;
  messages: number;
  ms: number;
  rate: number;
  ping: PingStats;
  cpu: CpuSplit;
  setupMs: number;
  note: string;
}

function row(system: string, messages: number, p: Phase<unknown>, setupMs: number, note = ""): Row {
  return {
    system,
    messages,
    ms: p.ms,
    rate: perSecond(messages, p.ms),
    ping: p.ping,
    cpu: p.cpu,
    setupMs,
    note,
  };
}

/** Runs of the short phases (under a second each): more than one, so one stall does not decide. */
const RUNS = 3;

/**
 * Runs `fn` RUNS times on fresh data and reports the run with the median rate,
 * with the worst PING and longest command over all runs (never the best).
 */
async function repeated(fn: () => Promise<Row>): Promise<Row & { runs: number[] }> {
  const rows: Row[] = [];
  for (let i = 0; i < RUNS; i++) rows.push(await fn());
  const byRate = [...rows].sort((a, b) => a.rate - b.rate);
  const mid = byRate[Math.floor(byRate.length / 2)]!;
  const worst = rows.reduce((w, r) => (r.ping.worstMs > w.ping.worstMs ? r : w));
  return {
    ...mid,
    ping: { ...mid.ping, worstMs: worst.ping.worstMs },
    cpu: {
      ...mid.cpu,
      longestCommandMs: Math.max(...rows.map((r) => r.cpu.longestCommandMs)),
    },
    note: `median of ${RUNS}; ${mid.note}`,
    runs: rows.map((r) => r.rate),
  };
}

function printRows(title: string, rows: Row[]): void {
  printTable(
    title,
    [
      "system",
      "messages",
      "time s",
      "msg/s",
      "PING worst ms",
      "PING p99 ms",
      "longest cmd ms",
      "node busy s",
      "redis CPU s",
      "setup s (untimed)",
      "note",
    ],
    rows.map((r) => [
      r.system,
      r.messages,
      seconds(r.ms),
      r.rate,
      r.ping.worstMs,
      r.ping.p99Ms,
      r.cpu.longestCommandMs,
      seconds(r.cpu.nodeBusyMs),
      seconds(r.cpu.redisCpuMs),
      seconds(r.setupMs),
      r.note,
    ]),
  );
}

function rowJson(r: Row) {
  return {
    messages: r.messages,
    seconds: seconds(r.ms),
    msgPerSec: r.rate,
    pingWorstMs: r.ping.worstMs,
    pingP99Ms: r.ping.p99Ms,
    pingSamples: r.ping.count,
    longestRedisCommandMs: r.cpu.longestCommandMs,
    nodeBusySeconds: seconds(r.cpu.nodeBusyMs),
    redisCpuSeconds: seconds(r.cpu.redisCpuMs),
    setupSeconds: seconds(r.setupMs),
  };
}

async function redrivePromote(b: BenchServer, n: number): Promise<Row> {
  await b.flush();
  const { retry, work } = keysOf(b.engine.ctx, QUEUE);
  const t0 = performance.now();
  const bytes = await loadDueRetries(b.redis, retry, n);
  const setupMs = performance.now() - t0;
  const p = await phase(b, () => b.engine.promoteDue(QUEUE));
  check(p.result === n, `promoteDue moved ${p.result}, expected ${n}`);
  check((await b.redis.llen(work)) === n, "work queue holds every promoted message");
  check((await b.redis.zcard(retry)) === 0, "retry set is empty");
  return row("Redrive promoteDue", n, p, setupMs, `${Math.round(bytes)} B/msg`);
}

async function bullmqPromote(b: BenchServer, n: number): Promise<Row> {
  await b.flush();
  const { Queue } = loadBullMQ();
  const queue = new Queue("bench-promote", { connection: bullConnection(b) });
  await queue.waitUntilReady();
  const t0 = performance.now();
  let bytes = 0;
  for (let start = 0; start < n; start += 1000) {
    const jobs = [];
    for (let i = start; i < Math.min(n, start + 1000); i++) {
      const data = payload(i, 1);
      bytes += payloadBytes(data);
      jobs.push({ name: QUEUE, data, opts: { delay: 7 * 86_400_000 } });
    }
    await queue.addBulk(jobs);
  }
  const setupMs = performance.now() - t0;
  check((await queue.getDelayedCount()) === n, `BullMQ holds ${n} delayed jobs`);
  // promoteJobs() loops moveJobsToWait (1000 jobs per call by default) until none is left.
  const p = await phase(b, () => queue.promoteJobs());
  check((await queue.getDelayedCount()) === 0, "BullMQ delayed set is empty after promoteJobs");
  check((await queue.getWaitingCount()) === n, "BullMQ wait list holds every promoted job");
  await queue.close();
  return row("BullMQ promoteJobs()", n, p, setupMs, `${Math.round(bytes / n)} B data/job`);
}

/** Sidekiq's Scheduled::Enq: take the one soonest due member (LIMIT 0 1) and ZREM it. */
const ZPOP_BY_SCORE = `
local key, now = KEYS[1], ARGV[1]
local jobs = redis.call("ZRANGE", key, "-inf", now, "BYSCORE", "LIMIT", 0, 1)
if jobs[1] then
  redis.call("ZREM", key, jobs[1])
  return jobs[1]
end
return false
`;

type ZpopClient = Redis & { benchZpopByScore(key: string, now: string): Promise<Buffer | null> };

async function onePerCallPromote(b: BenchServer, sz: Sizes): Promise<Row> {
  await b.flush();
  const { retry, work } = keysOf(b.engine.ctx, QUEUE);
  const t0 = performance.now();
  await loadDueRetries(b.redis, retry, sz.onePerCallMax);
  const setupMs = performance.now() - t0;
  b.redis.defineCommand("benchZpopByScore", { numberOfKeys: 1, lua: ZPOP_BY_SCORE });
  const client = b.redis as ZpopClient;
  let limit = sz.onePerCallMax;
  const p = await phase(b, async () => {
    const started = performance.now();
    let moved = 0;
    while (moved < limit) {
      const member = await client.benchZpopByScore(retry, String(Date.now() / 1000));
      if (!member) break;
      // The push is a round trip of its own, as Sidekiq::Client.push makes it.
      await b.redis.lpush(work, member);
      moved++;
      if (moved === 2000) {
        const projected = ((performance.now() - started) / 2000) * sz.onePerCallMax;
        if (projected > ONE_PER_CALL_BUDGET_S * 1000) limit = sz.onePerCallFallback;
      }
    }
    return moved;
  });
  check(p.result === limit, `one-per-call moved ${p.result}, expected ${limit}`);
  check((await b.redis.llen(work)) === limit, "work queue holds every promoted message");
  const note = limit < sz.onePerCallMax ? `stopped at ${limit}: ${sz.onePerCallMax} > 60 s` : "";
  return row("one-per-call (Sidekiq-style)", p.result, p, setupMs, note);
}

// ---------------------------------------------------------------- b) requeue all

async function redriveRequeueAll(b: BenchServer, n: number, writer: DlqWriter): Promise<Row> {
  await b.flush();
  const { dlq, work } = keysOf(b.engine.ctx, QUEUE);
  const t0 = performance.now();
  const bytes = await loadDlq(b.redis, QUEUE, dlq, n, retentionSeconds(b.config), writer);
  const oldest = (await b.redis.lindexBuffer(dlq, -1))!;
  const newest = (await b.redis.lindexBuffer(dlq, 0))!;
  const setupMs = performance.now() - t0;
  const p = await phase(b, () => b.engine.requeueAll(QUEUE));
  check(p.result.moved === n, `requeueAll moved ${p.result.moved}, expected ${n}`);
  check((await b.redis.llen(work)) === n, "work queue holds every requeued message");
  check((await b.redis.llen(dlq)) === 0, "DLQ is empty");
  // The oldest goes nearest the consumers (the right end); bytes as forRequeue makes them.
  check(
    forRequeue(oldest).equals((await b.redis.lindexBuffer(work, -1))!) &&
      forRequeue(newest).equals((await b.redis.lindexBuffer(work, 0))!),
    "requeued entries are the DLQ's, restored as forRequeue restores them, oldest first",
  );
  const metadataLeft = (await b.redis.dbsize()) - 1;
  const label = writer === "redrive" ? "Redrive-written" : "Python-written";
  return row(
    `Redrive requeueAll, ${label} entries`,
    n,
    p,
    setupMs,
    `${Math.round(bytes)} B/entry; ${metadataLeft} metadata hashes left to expire`,
  );
}

async function bullmqRetryFailed(b: BenchServer, n: number): Promise<Row> {
  await b.flush();
  const bull = loadBullMQ();
  const connection = bullConnection(b);
  const queue = new bull.Queue("bench-retry", { connection });
  await queue.waitUntilReady();
  const t0 = performance.now();
  let bytes = 0;
  // Failed jobs the way BullMQ makes them: a worker whose processor throws.
  await addFailedJobs(
    bull,
    queue,
    connection,
    n,
    (i) => {
      const data = payload(i, 3);
      bytes += payloadBytes(data);
      return { name: QUEUE, data };
    },
    "GCS download timed out after 30 s",
  );
  const setupMs = performance.now() - t0;
  check((await queue.getFailedCount()) === n, `BullMQ holds ${n} failed jobs`);
  const p = await phase(b, () => queue.retryJobs({ state: "failed" }));
  check((await queue.getFailedCount()) === 0, "BullMQ failed set is empty after retryJobs");
  check((await queue.getWaitingCount()) === n, "BullMQ wait list holds every retried job");
  await queue.close();
  return row("BullMQ retryJobs(failed)", n, p, setupMs, `${Math.round(bytes / n)} B data/job`);
}

/**
 * The JavaScript a drain spends on an entry that only the full parser can
 * restore (forRequeue, the bulk of moveTail's arguments), timed alone.
 */
function parserPathCost(writer: DlqWriter): number {
  const count = 20_000;
  const entries = Array.from({ length: count }, (_, i) => dlqEntry(writer, i, QUEUE, new Date()));
  for (const raw of entries.slice(0, 2000)) forRequeue(raw);
  const t0 = performance.now();
  for (const raw of entries) forRequeue(raw);
  return ((performance.now() - t0) * 1000) / count;
}

/** Server time per message of the commands that matter to a drain (commands inside scripts included). */
function serverShare(r: Row): [string, number, number][] {
  const wallUs = r.ms * 1000;
  return ["evalsha", "lrange", "del", "lpush", "ltrim"].flatMap((name) => {
    const c = r.cpu.commands[name];
    if (!c) return [];
    const label =
      name === "evalsha"
        ? "  of which scripts (EVALSHA, everything inside)"
        : `    ${name.toUpperCase()} (top level and inside scripts)`;
    return [[label, c.usec / r.messages, c.usec / wallUs] as [string, number, number]];
  });
}

function serverMicros(r: Row): Record<string, number> {
  return Object.fromEntries(
    Object.entries(r.cpu.commands).map(([k, c]) => [k, c.usec / r.messages]),
  );
}

// ---------------------------------------------------------------- c) requeue one

interface Position {
  label: string;
  index(len: number): number;
  samples: number[];
  pings: number[];
  longest: number[];
  indexes: number[];
}

async function requeueOne(
  b: BenchServer,
  sz: Sizes,
): Promise<{ positions: Position[]; setupMs: number }> {
  await b.flush();
  const { dlq, work } = keysOf(b.engine.ctx, QUEUE);
  const t0 = performance.now();
  await loadDlq(b.redis, QUEUE, dlq, sz.dlq, retentionSeconds(b.config));
  const setupMs = performance.now() - t0;
  const positions: Position[] = [
    { label: `end (${sz.dlq - 1}, then len−1)`, index: (len: number) => len - 1 },
    { label: `middle (${sz.middle})`, index: () => sz.middle },
    { label: "head (0)", index: () => 0 },
  ].map((p) => ({ ...p, samples: [], pings: [], longest: [], indexes: [] }));
  for (let rep = 0; rep < sz.reps; rep++) {
    for (const pos of positions) {
      const len = await b.redis.llen(dlq);
      const index = pos.index(len);
      const [seen] = await b.engine.getDlqMessages(QUEUE, index, 1);
      check(seen !== undefined, `a message at index ${index}`);
      const p = await phase(b, () => b.engine.requeueFromDlq(QUEUE, index, seen!.identity));
      const pushed = await b.redis.lindexBuffer(work, 0);
      check(
        pushed !== null && pushed.equals(forRequeue(Buffer.from(seen!.raw))),
        `the message seen at ${index} is the one requeued`,
      );
      check((await b.redis.llen(dlq)) === len - 1, "the DLQ lost exactly that message");
      pos.samples.push(p.ms);
      pos.pings.push(p.ping.worstMs);
      pos.longest.push(p.cpu.longestCommandMs);
      pos.indexes.push(index);
    }
  }
  return { positions, setupMs };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

// ---------------------------------------------------------------- run

interface ScenarioResult {
  targets: Target[];
  results: Record<string, unknown>;
}

async function scenarioPromotion(b: BenchServer, sz: Sizes): Promise<ScenarioResult> {
  const promo = [
    await repeated(() => redrivePromote(b, sz.promote)),
    await repeated(() => bullmqPromote(b, sz.promote)),
    await onePerCallPromote(b, sz),
  ];
  const [rp, bp] = promo as [Row & { runs: number[] }, Row & { runs: number[] }];
  const op = promo[2]!;
  printRows(`a) Promotion of ${sz.promote} due retries`, promo);
  printTable(
    "a) Ratios",
    ["ratio", "value"],
    [
      ["Redrive / BullMQ", rp.rate / bp.rate],
      ["Redrive / one-per-call", rp.rate / op.rate],
    ],
  );
  return {
    targets: [
      target(
        "promote.vsBullmq",
        "a) promotion: Redrive / BullMQ",
        rp.rate / bp.rate,
        ">=",
        1.5,
        "×",
      ),
      target(
        "promote.vsOnePerCall",
        "a) promotion: Redrive / one-per-call",
        rp.rate / op.rate,
        ">=",
        50,
        "×",
      ),
      target(
        "promote.pingWorst",
        "a) promotion: worst PING during Redrive",
        rp.ping.worstMs,
        "<=",
        10,
        "ms",
      ),
    ],
    results: {
      promotion: {
        redrive: { ...rowJson(rp), runsMsgPerSec: rp.runs },
        bullmq: { ...rowJson(bp), runsMsgPerSec: bp.runs },
        onePerCall: { ...rowJson(op), note: op.note },
        ratioVsBullmq: rp.rate / bp.rate,
        ratioVsOnePerCall: rp.rate / op.rate,
      },
    },
  };
}

async function scenarioRequeueAll(b: BenchServer, sz: Sizes): Promise<ScenarioResult> {
  const ra = await redriveRequeueAll(b, sz.dlq, "redrive");
  const rf = await redriveRequeueAll(b, sz.dlq, "python");
  const br = await repeated(() => bullmqRetryFailed(b, sz.bullmqFailed));
  const parserUs = parserPathCost("python");
  printRows(
    `b) Requeue all: Redrive on ${sz.dlq} DLQ entries, BullMQ on ${sz.bullmqFailed} failed jobs`,
    [ra, rf, br],
  );
  const perMsg = (r: Row, ms: number) => (ms * 1000) / r.messages;
  const breakdown = (r: Row): Cell[][] => [
    ["wall time", perMsg(r, r.ms), 1],
    ["node main thread busy (ELU)", perMsg(r, r.cpu.nodeBusyMs), r.cpu.nodeBusyMs / r.ms],
    ["redis-server main thread CPU", perMsg(r, r.cpu.redisCpuMs), r.cpu.redisCpuMs / r.ms],
    ...serverShare(r),
  ];
  printTable(
    "b) Where Redrive's requeue-all time goes, per message (server times from INFO commandstats)",
    ["part", "Redrive-written µs", "share", "Python-written µs", "share"],
    breakdown(ra).map((cells, i) => [...cells, ...(breakdown(rf)[i]?.slice(1) ?? [])]),
  );
  for (const r of [ra, rf]) {
    const scripts = r.cpu.commands.evalsha;
    if (!scripts) continue;
    console.log(
      `${r.system}: ${scripts.calls} script calls, ${(scripts.usecPerCall / 1000).toFixed(2)} ms each ` +
        `on the server; longest single command ${r.cpu.longestCommandMs.toFixed(1)} ms`,
    );
  }
  console.log(
    `Parser path (Python-written entries), JavaScript alone: forRequeue takes ${parserUs.toFixed(2)} µs/entry`,
  );
  return {
    targets: [
      target(
        "requeueAll.vsBullmq",
        "b) requeue all, Redrive-written: Redrive / BullMQ",
        ra.rate / br.rate,
        ">=",
        1.5,
        "×",
      ),
      target(
        "requeueAll.pingWorst",
        "b) requeue all, Redrive-written: worst PING",
        ra.ping.worstMs,
        "<=",
        10,
        "ms",
      ),
      target(
        "requeueAllForeign.vsBullmq",
        "b) requeue all, Python-written: Redrive / BullMQ",
        rf.rate / br.rate,
        ">=",
        1.5,
        "×",
      ),
      target(
        "requeueAllForeign.pingWorst",
        "b) requeue all, Python-written: worst PING",
        rf.ping.worstMs,
        "<=",
        10,
        "ms",
      ),
    ],
    results: {
      requeueAll: {
        redrive: { ...rowJson(ra), note: ra.note, serverMicrosPerMsg: serverMicros(ra) },
        redrivePythonWritten: {
          ...rowJson(rf),
          note: rf.note,
          serverMicrosPerMsg: serverMicros(rf),
          parserPathJsMicrosPerMsg: parserUs,
        },
        bullmq: { ...rowJson(br), runsMsgPerSec: br.runs },
        ratioVsBullmq: ra.rate / br.rate,
        ratioPythonWrittenVsBullmq: rf.rate / br.rate,
      },
    },
  };
}

async function scenarioRequeueOne(b: BenchServer, sz: Sizes): Promise<ScenarioResult> {
  const one = await requeueOne(b, sz);
  printTable(
    `c) Requeue one message of a ${sz.dlq}-entry DLQ (requeueFromDlq, ${sz.reps} runs each, fresh messages; setup ${seconds(one.setupMs).toFixed(1)} s untimed)`,
    ["position", "indexes", "median ms", "max ms", "all ms", "PING worst ms", "longest cmd ms"],
    one.positions.map((p) => [
      p.label,
      `${p.indexes[0]}…${p.indexes[p.indexes.length - 1]}`,
      median(p.samples),
      Math.max(...p.samples),
      p.samples.map((s) => s.toFixed(1)).join(" "),
      Math.max(...p.pings),
      Math.max(...p.longest),
    ]),
  );
  return {
    targets: one.positions.map((p) =>
      target(
        `requeueOne.${p.label.split(" ")[0]}`,
        `c) requeue one at ${p.label}: max of ${sz.reps}`,
        Math.max(...p.samples),
        "<=",
        25,
        "ms",
      ),
    ),
    results: {
      requeueOne: Object.fromEntries(
        one.positions.map((p) => [
          p.label.split(" ")[0],
          {
            indexes: p.indexes,
            ms: p.samples,
            medianMs: median(p.samples),
            maxMs: Math.max(...p.samples),
            pingWorstMs: Math.max(...p.pings),
            longestRedisCommandMs: Math.max(...p.longest),
          },
        ]),
      ),
    },
  };
}

const SCENARIOS = {
  a: scenarioPromotion,
  b: scenarioRequeueAll,
  c: scenarioRequeueOne,
} as const;

type ScenarioId = keyof typeof SCENARIOS;

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

/**
 * Options: --scale F (0 < F ≤ 1) shrinks every size; --only a,b,c picks
 * scenarios (a promotion, b requeue all, c requeue one). Both are for looking
 * around while developing: the targets are judged on a full run.
 */
export async function run(args: string[]): Promise<Summary> {
  const scale = Number(option(args, "--scale") ?? 1);
  if (!(scale > 0 && scale <= 1)) throw new Error("--scale expects a number in (0, 1]");
  const only = (option(args, "--only") ?? "a,b,c").split(",");
  const unknown = only.filter((id) => !(id in SCENARIOS));
  if (unknown.length > 0) throw new Error(`--only expects a, b or c (got ${unknown.join(", ")})`);
  const sz = sizes(scale);
  const started = new Date();
  const environment = {
    node: process.version,
    cpus: cpus().length,
    loadavg1mAtStart: loadavg()[0],
    bullmq: peerVersion("bullmq"),
    scale,
    scenarios: only,
    pingMonitor: "second ioredis client in a worker thread, next PING 1 ms after each reply",
  };
  console.log(
    `Redrive engine benchmark — node ${process.version}, ${cpus().length} CPUs, ` +
      `load ${loadavg()[0]!.toFixed(2)}, BullMQ ${environment.bullmq}` +
      (scale < 1 ? `, scale ${scale} (targets are only meaningful at scale 1)` : ""),
  );

  const b = await startBenchServer(QUEUE);
  try {
    // Let the monitor's thread and connection warm up before the idle reference.
    await new Promise((r) => setTimeout(r, 1000));
    const idle = await b.ping.measure(() => new Promise((r) => setTimeout(r, 3000)));
    printTable(
      `Idle redis-server ${b.redisVersion}: PING every 1 ms for 3 s, nothing else running`,
      ["samples", "worst ms", "p99 ms", "p50 ms"],
      [[idle.ping.count, idle.ping.worstMs, idle.ping.p99Ms, idle.ping.p50Ms]],
    );
    const targets: Target[] = [];
    const results: Record<string, unknown> = { idlePing: idle.ping };
    for (const id of Object.keys(SCENARIOS) as ScenarioId[]) {
      if (!only.includes(id)) continue;
      const outcome = await SCENARIOS[id](b, sz);
      targets.push(...outcome.targets);
      Object.assign(results, outcome.results);
    }
    return summarize(
      "engine",
      started,
      { ...environment, redis: b.redisVersion },
      results,
      targets,
    );
  } finally {
    await b.stop();
  }
}
