import { readFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import Redis from "ioredis";
import { decode, encode } from "next-auth/jwt";
import { workerStatus } from "../lib/health";
import { keysOf } from "../lib/queues/context";
import { retentionSeconds } from "../lib/queues/producer";
import { runScript } from "../lib/redis/scripts";
import { startEmbeddedRedis, type EmbeddedRedis } from "../scripts/embedded-redis";
import { load, loadAutocannon, type Autocannon, type LoadRun } from "./lib/autocannon";
import { startBullBoard, type BullBoardServer } from "./lib/bull-board";
import { addFailedJobs, loadBullMQ, type BullConnection } from "./lib/bullmq";
import { loadDlq, payload } from "./lib/data";
import {
  ensureProductionBuild,
  NEXTAUTH_SECRET,
  ROOT,
  startNextApp,
  type NextApp,
} from "./lib/next-app";
import { peerVersion } from "./lib/peers";
import { cpuMs, memoryMb } from "./lib/process";
import { cpuSplit, startBenchServer, type BenchServer } from "./lib/server";
import { summarize, target, type Summary, type Target } from "./lib/summary";
import { Count, printTable, type Cell } from "./lib/table";

/**
 * `npm run bench -- api [--seconds S] [--warmup S] [--scale F] [--only page,stats,growth]`:
 * Redrive's admin API as it runs in production (`next build` + `next start`,
 * logged in, every request through proxy.ts and the handler's session check)
 * against bull-board (@bull-board/express + BullMQAdapter over BullMQ, served
 * by express in a process of its own), each on a redis-server of its own,
 * loaded by autocannon with 10 connections from this process:
 *   1) a DLQ page of 50 on a 100 000-message DLQ against bull-board's page of
 *      50 failed jobs on a queue of 100 000 failed jobs;
 *   2) GET /api/admin/dlq/stats against bull-board's /api/queues without an
 *      active queue (counts only: bull-board has no parameter that narrows it further);
 *   3) growth: the page at offset 0 and 500 000 of a 1 000 000-message DLQ
 *      against offset 0 of a 10 000-message DLQ, and the server's RSS afterwards.
 * Both dashboards know the same four queues; the data is the same job payload
 * (bench/lib/data.ts). Each run is a warm-up, then the measured window.
 */

const QUEUES = ["document", "audio", "video", "graph"];
/** Scenario 1's DLQ (100 000), the growth scenario's small (10 000) and large (1 000 000) ones. */
const PAGE_QUEUE = "document";
const SMALL_QUEUE = "audio";
const LARGE_QUEUE = "video";
const CONNECTIONS = 10;
const PAGE = 50;
const FAIL_REASON = "GCS download timed out after 30 s";

interface Sizes {
  page: number;
  small: number;
  large: number;
  deepOffset: number;
}

function sizes(scale: number): Sizes {
  const s = (n: number) => Math.max(PAGE * 2, Math.round(n * scale));
  return { page: s(100_000), small: s(10_000), large: s(1_000_000), deepOffset: s(500_000) };
}

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

function check(condition: boolean, what: string): void {
  if (!condition) throw new Error(`benchmark check failed: ${what}`);
}

const seconds = (ms: number) => ms / 1000;

// ---------------------------------------------------------------- measuring

/** A system under load: where it listens, which process serves it, which Redis it uses. */
interface System {
  name: string;
  pid: number;
  redis: Redis;
  headers: Record<string, string>;
}

interface Measured {
  label: string;
  system: string;
  path: string;
  run: LoadRun;
  /** CPU time of the serving process per response (all its threads). */
  serverCpuMsPerReq: number;
  /** Share of one core the serving process used during the window. */
  serverCores: number;
  /** redis-server main-thread CPU per response. */
  redisCpuUsPerReq: number;
  /** Redis commands per response (INFO commandstats, top level and inside scripts). */
  redisCommandsPerReq: number;
  /** Server time per call of selected commands (µs), from INFO commandstats. */
  commandUs: Record<string, number>;
  /** Event-loop utilisation of this process (the load generator) during the window. */
  loadGenBusy: number;
  /** The serving process's RSS right after the window, MB. */
  rssMbAfter: number;
}

interface Runner {
  autocannon: Autocannon;
  warmupS: number;
  measureS: number;
}

async function measure(
  r: Runner,
  sys: System,
  label: string,
  url: string,
  path: string,
): Promise<Measured> {
  await load(r.autocannon, url + path, CONNECTIONS, r.warmupS, sys.headers);
  const stopSplit = await cpuSplit(sys.redis);
  const cpu0 = cpuMs(sys.pid);
  const t0 = performance.now();
  const run = await load(r.autocannon, url + path, CONNECTIONS, r.measureS, sys.headers);
  const wallMs = performance.now() - t0;
  const cpu1 = cpuMs(sys.pid);
  const split = await stopSplit();
  const n = Math.max(1, run.requests);
  const calls = Object.values(split.commands).reduce((sum, c) => sum + c.calls, 0);
  const commandUs = Object.fromEntries(
    Object.entries(split.commands)
      .filter(([name]) => /^(lrange|llen|hscan|hgetall|evalsha|zrange|zrevrange|zcard)$/.test(name))
      .map(([name, c]) => [name, c.usecPerCall]),
  );
  const m: Measured = {
    label,
    system: sys.name,
    path,
    run,
    serverCpuMsPerReq: (cpu1 - cpu0) / n,
    serverCores: (cpu1 - cpu0) / wallMs,
    redisCpuUsPerReq: (split.redisCpuMs * 1000) / n,
    redisCommandsPerReq: calls / n,
    commandUs,
    loadGenBusy: split.nodeBusyMs / wallMs,
    rssMbAfter: memoryMb(sys.pid).rssMb,
  };
  console.log(
    `  ${label}: ${run.reqPerSec.toFixed(0)} req/s, p50 ${run.p50Ms.toFixed(1)} ms, ` +
      `p99 ${run.p99Ms.toFixed(1)} ms, non-2xx ${run.non2xx}, errors ${run.errors}`,
  );
  return m;
}

/** Responses that were not a 200 (autocannon's non-2xx, and anything else), errors and timeouts. */
function bad(m: Measured): number {
  return Math.max(m.run.non2xx, m.run.not200) + m.run.errors + m.run.timeouts;
}

const HEADER = [
  "system",
  "req/s",
  "p50 ms",
  "p99 ms",
  "max ms",
  "requests",
  "non-2xx",
  "errors",
  "KB/resp",
  "server CPU ms/req",
  "server cores",
  "Redis µs/req",
  "Redis cmds/req",
  "loadgen busy %",
  "RSS after MB",
];

function cells(m: Measured): Cell[] {
  return [
    m.label,
    m.run.reqPerSec,
    m.run.p50Ms,
    m.run.p99Ms,
    m.run.maxMs,
    new Count(m.run.requests),
    new Count(m.run.non2xx),
    new Count(m.run.errors + m.run.timeouts),
    m.run.bytesPerResponse / 1024,
    m.serverCpuMsPerReq,
    m.serverCores,
    m.redisCpuUsPerReq,
    m.redisCommandsPerReq,
    m.loadGenBusy * 100,
    m.rssMbAfter,
  ];
}

function runJson(m: Measured) {
  return {
    path: m.path,
    reqPerSec: m.run.reqPerSec,
    p50Ms: m.run.p50Ms,
    p99Ms: m.run.p99Ms,
    maxMs: m.run.maxMs,
    meanMs: m.run.meanMs,
    requests: m.run.requests,
    seconds: m.run.seconds,
    non2xx: m.run.non2xx,
    not200: m.run.not200,
    errors: m.run.errors,
    timeouts: m.run.timeouts,
    statusCodes: m.run.statusCodes,
    bytesPerResponse: m.run.bytesPerResponse,
    serverCpuMsPerReq: m.serverCpuMsPerReq,
    serverCores: m.serverCores,
    redisCpuUsPerReq: m.redisCpuUsPerReq,
    redisCommandsPerReq: m.redisCommandsPerReq,
    redisCommandUsPerCall: m.commandUs,
    loadGenBusy: m.loadGenBusy,
    rssMbAfter: m.rssMbAfter,
  };
}

// ---------------------------------------------------------------- setup

interface Setup {
  b: BenchServer;
  bullRedis: EmbeddedRedis;
  bullClient: Redis;
  app: NextApp;
  board: BullBoardServer;
}

async function loadData(b: BenchServer, bullRedis: EmbeddedRedis, sz: Sizes, growth: boolean) {
  const rows: Cell[][] = [];
  const retention = retentionSeconds(b.config);
  const dlqs: [string, number][] = [[PAGE_QUEUE, sz.page]];
  if (growth) dlqs.push([SMALL_QUEUE, sz.small], [LARGE_QUEUE, sz.large]);
  for (const [queue, n] of dlqs) {
    const t0 = performance.now();
    const bytes = await loadDlq(b.redis, queue, keysOf(b.engine.ctx, queue).dlq, n, retention);
    rows.push([
      `Redrive DLQ ${queue}`,
      new Count(n),
      `${Math.round(bytes)} B/entry + metadata hash`,
      seconds(performance.now() - t0),
    ]);
  }
  const bull = loadBullMQ();
  const connection: BullConnection = {
    host: "127.0.0.1",
    port: bullRedis.port,
    maxRetriesPerRequest: null,
  };
  const queue = new bull.Queue(PAGE_QUEUE, { connection });
  await queue.waitUntilReady();
  const t0 = performance.now();
  await addFailedJobs(
    bull,
    queue,
    connection,
    sz.page,
    (i) => ({ name: PAGE_QUEUE, data: payload(i, 3) }),
    FAIL_REASON,
  );
  check((await queue.getFailedCount()) === sz.page, `BullMQ holds ${sz.page} failed jobs`);
  await queue.close();
  rows.push([
    `BullMQ failed jobs ${PAGE_QUEUE}`,
    new Count(sz.page),
    "same payload; message and stack trace",
    seconds(performance.now() - t0),
  ]);
  printTable(
    "Data (loaded before any measurement, untimed)",
    ["what", "count", "shape", "seconds"],
    rows,
  );
}

interface DlqPageBody {
  total: number;
  offset: number;
  messages: { index: number }[];
}

interface BullQueuesBody {
  queues: { name: string; counts: Record<string, number>; jobs: unknown[] }[];
}

async function getJson<T>(url: string, headers: Record<string, string>): Promise<[T, number]> {
  const res = await fetch(url, { headers, redirect: "manual" });
  const text = await res.text();
  check(res.status === 200, `GET ${url} answered ${res.status}: ${text.slice(0, 200)}`);
  return [JSON.parse(text) as T, Buffer.byteLength(text)];
}

/** One request to each endpoint before any load: right status, right content. */
async function verify(s: Setup, sz: Sizes, growth: boolean): Promise<Record<string, number>> {
  const ours = { cookie: s.app.cookie };
  const bodyBytes: Record<string, number> = {};
  const pages: [string, number, number][] = [[PAGE_QUEUE, 0, sz.page]];
  if (growth) {
    pages.push([SMALL_QUEUE, 0, sz.small], [LARGE_QUEUE, 0, sz.large]);
    pages.push([LARGE_QUEUE, sz.deepOffset, sz.large]);
  }
  for (const [queue, offset, total] of pages) {
    const path = dlqPagePath(queue, offset);
    const [body, bytes] = await getJson<DlqPageBody>(s.app.url + path, ours);
    check(body.total === total, `${path}: total ${body.total}, expected ${total}`);
    check(body.messages.length === PAGE, `${path}: ${body.messages.length} messages`);
    check(body.messages[0]!.index === offset, `${path}: first index ${body.messages[0]!.index}`);
    bodyBytes[path] = bytes;
  }
  const [stats, statsBytes] = await getJson<{ queues: { queue: string; dlq: number }[] }>(
    `${s.app.url}/api/admin/dlq/stats`,
    ours,
  );
  check(stats.queues.length === QUEUES.length, "stats lists every configured queue");
  check(
    stats.queues.find((q) => q.queue === PAGE_QUEUE)?.dlq === sz.page,
    "stats counts the page DLQ",
  );
  bodyBytes["/api/admin/dlq/stats"] = statsBytes;
  for (const board of ["all", "one"]) {
    const path = bullPagePath(board);
    const [body, bytes] = await getJson<BullQueuesBody>(s.board.url + path, {});
    const q = body.queues.find((x) => x.name === PAGE_QUEUE);
    check(q?.counts.failed === sz.page, `${path}: ${q?.counts.failed} failed jobs`);
    check(q?.jobs.length === PAGE, `${path}: ${q?.jobs.length} jobs on the page`);
    check(body.queues.length === (board === "all" ? QUEUES.length : 1), `${path}: queue count`);
    bodyBytes[path] = bytes;
  }
  const [counts, countsBytes] = await getJson<BullQueuesBody>(
    `${s.board.url}${BULL_COUNTS_PATH}`,
    {},
  );
  check(
    counts.queues.length === QUEUES.length && counts.queues.every((q) => q.jobs.length === 0),
    "bull-board /api/queues without activeQueue lists every queue and no job",
  );
  bodyBytes[BULL_COUNTS_PATH] = countsBytes;
  return bodyBytes;
}

const dlqPagePath = (queue: string, offset: number) =>
  `/api/admin/dlq/${queue}?offset=${offset}&limit=${PAGE}`;
const bullPagePath = (board: string) =>
  `/${board}/api/queues?activeQueue=${PAGE_QUEUE}&status=failed&page=1&jobsPerPage=${PAGE}`;
const BULL_COUNTS_PATH = "/all/api/queues";

// ---------------------------------------------------------------- where the time goes

/** Mean CPU (event-loop active) time of `fn` in this process, in ms, after a warm-up. */
async function busyMs(fn: () => Promise<unknown>, n: number): Promise<number> {
  for (let i = 0; i < Math.min(50, n); i++) await fn();
  const elu0 = performance.eventLoopUtilization();
  for (let i = 0; i < n; i++) await fn();
  return performance.eventLoopUtilization(elu0).active / n;
}

/**
 * The handlers' own work without HTTP, Next.js or the session check, run here
 * on the same Redis: what is left of a request's CPU time is the framework's
 * and the session's. And next-auth's JWT decode, which proxy.ts runs on every
 * request (the handlers decode a token once and remember it for 30 s).
 */
async function inProcess(b: BenchServer, sz: Sizes, growth: boolean) {
  const e = b.engine;
  const page = async (queue: string, offset: number) => {
    const total = await e.getDlqCount(queue);
    const messages = await e.getDlqMessages(queue, offset, PAGE);
    return JSON.stringify({ queue, total, offset, limit: PAGE, messages });
  };
  const sample = await e.getDlqMessages(PAGE_QUEUE, 0, PAGE);
  const metadataKeys = sample.map((m) => m.metadataKey);
  const secret = NEXTAUTH_SECRET;
  const claims = { name: "admin", role: "admin" as const, sub: "admin" };
  const token = await encode({ token: claims, secret });
  const rows: [string, number][] = [
    [
      `DLQ page (${PAGE_QUEUE}, offset 0): LLEN + getDlqMessages + JSON.stringify`,
      await busyMs(() => page(PAGE_QUEUE, 0), 300),
    ],
    [
      "  of which the LRANGE of 50 entries (client side)",
      await busyMs(() => b.redis.lrangeBuffer(keysOf(e.ctx, PAGE_QUEUE).dlq, 0, PAGE - 1), 300),
    ],
    [
      `  of which the ${PAGE} metadata hashes (one readHashes script call, client side)`,
      await busyMs(() => runScript(e.ctx.redis, "readHashes", metadataKeys, [64]), 300),
    ],
    [
      "  of which JSON.stringify of the body",
      await busyMs(async () => JSON.stringify({ messages: sample }), 300),
    ],
  ];
  if (growth) {
    rows.push([
      `DLQ page (${LARGE_QUEUE}, offset ${sz.deepOffset}): the same`,
      await busyMs(() => page(LARGE_QUEUE, sz.deepOffset), 300),
    ]);
  }
  rows.push(
    [
      "stats: getStats + workerStatus + JSON.stringify",
      await busyMs(async () => {
        const [queues, worker] = await Promise.all([e.getStats(), workerStatus(e.ctx)]);
        return JSON.stringify({ queues, worker });
      }, 500),
    ],
    [
      "next-auth JWT decode (proxy.ts, every request)",
      await busyMs(() => decode({ token, secret }), 500),
    ],
  );
  printTable(
    "Where the time goes (a): the handlers' own work in this process, without HTTP, Next.js or session",
    ["work", "CPU ms/call"],
    rows,
  );
  return Object.fromEntries(rows.map(([k, v]) => [k.trim(), v]));
}

// ---------------------------------------------------------------- run

/**
 * Options (for looking around while developing; targets are judged on a full
 * run): --seconds S measured per run (10), --warmup S before each (2), --scale F
 * shrinks every DLQ and the failed-job queue, --only page,stats,growth.
 */
export async function run(args: string[]): Promise<Summary> {
  const measureS = Number(option(args, "--seconds") ?? 10);
  const warmupS = Number(option(args, "--warmup") ?? 2);
  const scale = Number(option(args, "--scale") ?? 1);
  const only = (option(args, "--only") ?? "page,stats,growth").split(",");
  const unknown = only.filter((id) => !["page", "stats", "growth"].includes(id));
  if (unknown.length > 0) throw new Error(`--only expects page, stats or growth (got ${unknown})`);
  if (!(measureS > 0) || !(warmupS >= 0)) throw new Error("--seconds/--warmup expect seconds");
  if (!(scale > 0 && scale <= 1)) throw new Error("--scale expects a number in (0, 1]");
  const sz = sizes(scale);
  const growth = only.includes("growth");
  const started = new Date();

  const buildSeconds = ensureProductionBuild();
  const environment = {
    node: process.version,
    cpus: cpus().length,
    loadavg1mAtStart: loadavg()[0],
    next: peerOfRoot("next"),
    nextAuth: peerOfRoot("next-auth"),
    bullBoardApi: peerVersion("@bull-board/api"),
    bullBoardExpress: peerVersion("@bull-board/express"),
    bullmq: peerVersion("bullmq"),
    express: peerVersion("express"),
    autocannon: peerVersion("autocannon"),
    connections: CONNECTIONS,
    warmupSeconds: warmupS,
    measuredSeconds: measureS,
    scale,
    scenarios: only,
    buildSeconds,
  };
  console.log(
    `Redrive API benchmark — node ${process.version}, ${cpus().length} CPUs, load ` +
      `${loadavg()[0]!.toFixed(2)}, Next.js ${environment.next}, bull-board ` +
      `${environment.bullBoardApi} (express adapter ${environment.bullBoardExpress}), BullMQ ` +
      `${environment.bullmq}, autocannon ${environment.autocannon}; ${CONNECTIONS} connections, ` +
      `${warmupS} s warm-up + ${measureS} s measured per run` +
      (scale < 1 ? `, scale ${scale} (targets are only meaningful at scale 1)` : ""),
  );

  const stops: (() => Promise<void>)[] = [];
  try {
    const b = await startBenchServer(QUEUES.join(","));
    stops.push(() => b.stop());
    // The PING monitor would take a core's share from the servers under load.
    await b.ping.close();
    const bullRedis = await startEmbeddedRedis(process.env.REDIS_SERVER_BIN || "redis-server");
    stops.push(() => bullRedis.stop());
    const bullClient = new Redis(bullRedis.url, { maxRetriesPerRequest: 1 });
    stops.push(async () => bullClient.disconnect());

    await loadData(b, bullRedis, sz, growth);

    const app = await startNextApp(b.url, QUEUES);
    stops.push(() => app.stop());
    const board = await startBullBoard(bullRedis.port, QUEUES);
    stops.push(() => board.stop());
    const setup: Setup = { b, bullRedis, bullClient, app, board };
    const startRss = memoryMb(app.serverPid);
    console.log(
      `\nRedrive: next start pid ${app.launcherPid}, serving pid ${app.serverPid} on ${app.url} ` +
        `(RSS ${startRss.rssMb.toFixed(0)} MB after start-up); bull-board: pid ${board.pid} on ${board.url}`,
    );
    const bodyBytes = await verify(setup, sz, growth);

    const runner: Runner = { autocannon: loadAutocannon(), warmupS, measureS };
    const redrive: System = {
      name: "Redrive",
      pid: app.serverPid,
      redis: b.redis,
      headers: { cookie: app.cookie },
    };
    const bullBoard: System = {
      name: "bull-board",
      pid: board.pid,
      redis: bullClient,
      headers: {},
    };
    const targets: Target[] = [];
    const results: Record<string, unknown> = { responseBodyBytes: bodyBytes };
    const all: Measured[] = [];

    // One pass over every endpoint first, so that the first measured run does
    // not pay for lazily loaded route code and JIT warm-up more than the others.
    const endpoints: [System, string, string][] = [
      [redrive, app.url, dlqPagePath(PAGE_QUEUE, 0)],
      [redrive, app.url, "/api/admin/dlq/stats"],
      [bullBoard, board.url, bullPagePath("all")],
      [bullBoard, board.url, bullPagePath("one")],
      [bullBoard, board.url, BULL_COUNTS_PATH],
    ];
    if (growth) endpoints.push([redrive, app.url, dlqPagePath(LARGE_QUEUE, sz.deepOffset)]);
    console.log(`\nWarming up every endpoint (${warmupS} s each, not measured)`);
    for (const [sys, url, path] of endpoints) {
      await load(runner.autocannon, url + path, CONNECTIONS, warmupS, sys.headers);
    }

    if (only.includes("page")) {
      console.log("\n1) DLQ page of 50");
      const ours = await measure(runner, redrive, "Redrive", app.url, dlqPagePath(PAGE_QUEUE, 0));
      const peer = await measure(runner, bullBoard, "bull-board", board.url, bullPagePath("all"));
      const peerOne = await measure(
        runner,
        bullBoard,
        "bull-board, 1-queue board",
        board.url,
        bullPagePath("one"),
      );
      all.push(ours, peer, peerOne);
      printTable(
        `1) A page of ${PAGE}: Redrive's DLQ of ${sz.page} messages vs bull-board's ${sz.page} failed jobs ` +
          `(board of ${QUEUES.length} queues as Redrive's; the 1-queue board for reference)`,
        HEADER,
        [ours, peer, peerOne].map(cells),
      );
      const ratio = ours.run.reqPerSec / peer.run.reqPerSec;
      console.log(
        `Redrive / bull-board: ${ratio.toFixed(2)}× req/s (${(ours.run.reqPerSec / peerOne.run.reqPerSec).toFixed(2)}× ` +
          `against the 1-queue board); p99 ${ours.run.p99Ms.toFixed(1)} vs ${peer.run.p99Ms.toFixed(1)} ms`,
      );
      targets.push(
        target(
          "page.vsBullBoard",
          "1) page of 50: Redrive / bull-board req/s",
          ratio,
          ">=",
          3,
          "×",
        ),
        target(
          "page.p99",
          "1) page of 50: Redrive p99 (bound: bull-board's p99)",
          ours.run.p99Ms,
          "<=",
          peer.run.p99Ms,
          "ms",
        ),
      );
      results.page = {
        redrive: runJson(ours),
        bullBoard: runJson(peer),
        bullBoardOneQueue: runJson(peerOne),
        ratioReqPerSec: ratio,
        ratioReqPerSecVsOneQueueBoard: ours.run.reqPerSec / peerOne.run.reqPerSec,
      };
    }

    if (only.includes("stats")) {
      console.log("\n2) Stats");
      const ours = await measure(runner, redrive, "Redrive", app.url, "/api/admin/dlq/stats");
      const peer = await measure(runner, bullBoard, "bull-board", board.url, BULL_COUNTS_PATH);
      all.push(ours, peer);
      printTable(
        `2) Stats: Redrive's /api/admin/dlq/stats (logged in) vs bull-board's /api/queues without ` +
          `an active queue (counts only), ${QUEUES.length} queues each`,
        HEADER,
        [ours, peer].map(cells),
      );
      const ratio = ours.run.reqPerSec / peer.run.reqPerSec;
      targets.push(
        target("stats.vsBullBoard", "2) stats: Redrive / bull-board req/s", ratio, ">=", 1, "×"),
      );
      results.stats = { redrive: runJson(ours), bullBoard: runJson(peer), ratioReqPerSec: ratio };
    }

    if (growth) {
      console.log("\n3) Growth");
      const small = await measure(
        runner,
        redrive,
        `${sz.small} messages, offset 0`,
        app.url,
        dlqPagePath(SMALL_QUEUE, 0),
      );
      const large0 = await measure(
        runner,
        redrive,
        `${sz.large} messages, offset 0`,
        app.url,
        dlqPagePath(LARGE_QUEUE, 0),
      );
      const largeDeep = await measure(
        runner,
        redrive,
        `${sz.large} messages, offset ${sz.deepOffset}`,
        app.url,
        dlqPagePath(LARGE_QUEUE, sz.deepOffset),
      );
      all.push(small, large0, largeDeep);
      printTable(
        `3) Growth: Redrive's DLQ page of ${PAGE}`,
        HEADER,
        [small, large0, largeDeep].map(cells),
      );
      const ratios = (m: Measured) => ({
        reqPerSec: small.run.reqPerSec / m.run.reqPerSec,
        p50: m.run.p50Ms / small.run.p50Ms,
        mean: m.run.meanMs / small.run.meanMs,
        p99: m.run.p99Ms / small.run.p99Ms,
        lrangeUs: (m.commandUs.lrange ?? NaN) / (small.commandUs.lrange ?? NaN),
      });
      const r0 = ratios(large0);
      const rDeep = ratios(largeDeep);
      printTable(
        `3) Growth ratios against the ${sz.small}-message DLQ at offset 0 (req/s: small ÷ large; latency: large ÷ small)`,
        ["page", "req/s ratio", "p50 ratio", "mean ratio", "p99 ratio", "LRANGE µs ratio"],
        [
          [large0.label, r0.reqPerSec, r0.p50, r0.mean, r0.p99, r0.lrangeUs],
          [largeDeep.label, rDeep.reqPerSec, rDeep.p50, rDeep.mean, rDeep.p99, rDeep.lrangeUs],
        ],
      );
      targets.push(
        target(
          "growth.offset0",
          `3) growth: ${sz.small} ÷ ${sz.large} at offset 0, req/s`,
          r0.reqPerSec,
          "<=",
          1.3,
          "×",
        ),
        target(
          "growth.deepOffset",
          `3) growth: ${sz.small} ÷ ${sz.large} at offset ${sz.deepOffset}, req/s`,
          rDeep.reqPerSec,
          "<=",
          1.3,
          "×",
        ),
      );
      results.growth = {
        small: runJson(small),
        largeOffset0: runJson(large0),
        largeDeepOffset: runJson(largeDeep),
        ratiosOffset0: r0,
        ratiosDeepOffset: rDeep,
      };
    }

    // RSS after every measured run, of the process that serves the requests.
    const endRss = memoryMb(app.serverPid);
    printTable(
      `Redrive's server process (pid ${app.serverPid}) memory, from /proc/<pid>/status`,
      ["when", "VmRSS MB", "VmHWM (peak) MB"],
      [
        ["after start-up", startRss.rssMb, startRss.peakRssMb],
        ["after the runs", endRss.rssMb, endRss.peakRssMb],
      ],
    );
    targets.push(target("rss", "server RSS after the runs (VmRSS)", endRss.rssMb, "<=", 300, "MB"));
    results.serverMemory = { startMb: startRss, endMb: endRss };

    const badResponses = all.reduce((sum, m) => sum + bad(m), 0);
    targets.push(
      target(
        "allResponses200",
        "measured runs: responses not 200 + errors + timeouts",
        badResponses,
        "<=",
        0,
        "",
      ),
    );

    // Where the time goes: the handlers' own work, and the framework and session around it.
    results.inProcessCpuMs = await inProcess(b, sz, growth);
    const diag: Measured[] = [];
    const diagRunner: Runner = { ...runner, measureS: Math.min(measureS, 5), warmupS: 1 };
    diag.push(
      await measure(
        diagRunner,
        redrive,
        "GET /api/health (no session; Next.js route + 2 Redis calls)",
        app.url,
        "/api/health",
      ),
    );
    diag.push(
      await measure(
        diagRunner,
        { ...redrive, headers: {} },
        "GET /api/admin/dlq/stats without cookie (401 from proxy.ts, no JWT)",
        app.url,
        "/api/admin/dlq/stats",
      ),
    );
    printTable(
      "Where the time goes (b): Redrive without the session (diagnostic runs, not targets; the 401s are expected)",
      HEADER,
      diag.map(cells),
    );
    results.diagnostics = Object.fromEntries(diag.map((m) => [m.label, runJson(m)]));

    return summarize(
      "api",
      started,
      { ...environment, redis: b.redisVersion, loadavg1mAtEnd: loadavg()[0] },
      results,
      targets,
    );
  } finally {
    for (const stop of stops.reverse()) await stop().catch((e: unknown) => console.error(e));
  }
}

/** The installed version of one of the project's own packages (some export no package.json). */
function peerOfRoot(name: string): string {
  try {
    const file = join(ROOT, "node_modules", name, "package.json");
    return (JSON.parse(readFileSync(file, "utf8")) as { version: string }).version;
  } catch {
    return "unknown";
  }
}
