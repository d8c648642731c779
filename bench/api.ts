import { readFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import Redis from "ioredis";
import { startEmbeddedRedis } from "../scripts/embedded-redis";
import { inProcess } from "./api/in-process";
import { bad, type Measured } from "./api/measure";
import {
  diagnostics,
  scenarioGrowth,
  scenarioPage,
  scenarioStats,
  type ScenarioOutcome,
  type Systems,
} from "./api/scenarios";
import { scenarioRate } from "./api/rate";
import { loadData, verify } from "./api/setup";
import { scenarioWatch } from "./api/watch";
import {
  BULL_COUNTS_PATH,
  bullPagePath,
  CONNECTIONS,
  dlqPagePath,
  LARGE_QUEUE,
  PAGE_QUEUE,
  QUEUES,
  sizes,
  type Sizes,
} from "./api/shared";
import { load, loadAutocannon } from "./lib/autocannon";
import { startBullBoard } from "./lib/bull-board";
import { fillHistory } from "./lib/history-fill";
import { ensureProductionBuild, ROOT, startNextApp } from "./lib/next-app";
import { choice, duration, only, parseOptions, scale } from "./lib/options";
import { peerVersion } from "./lib/peers";
import { memoryMb } from "./lib/process";
import { startBenchServer } from "./lib/server";
import { summarize, target, type Summary, type Target } from "./lib/summary";
import { printTable } from "./lib/table";

/**
 * `npm run bench -- api [--seconds S] [--warmup S] [--scale F] [--watch-seconds S]
 *   [--queue-tab dlq|errors|retries] [--only page,stats,growth,watch,rate]`:
 * Redrive's admin API as it runs in production (`next build` + `next start`,
 * logged in, every request through the handler's session check)
 * against bull-board (@bull-board/express + BullMQAdapter over BullMQ, served
 * by express in a process of its own), each on a redis-server of its own,
 * loaded by autocannon with 10 connections from this process:
 *   1) a DLQ page of 50 on a 100 000-message DLQ against bull-board's page of
 *      50 failed jobs on a queue of 100 000 failed jobs (closed loops);
 *   2) GET /api/admin/dlq/stats against bull-board's /api/queues without an
 *      active queue (counts only: bull-board has no parameter that narrows it further);
 *   3) growth: the page at offset 0 and 500 000 of a 1 000 000-message DLQ
 *      against offset 0 of a 10 000-message DLQ, and the server's RSS afterwards;
 *   4) watch: 1, 5 and 20 open dashboards polling every 5 s what the overview
 *      and a queue page poll, each with its own session, against as many of
 *      bull-board's queue page (bench/api/watch.ts): Redis commands/s, server
 *      CPU per minute, bytes sent;
 *   5) rate: the page of 50 against bull-board's at the same fixed arrival rate,
 *      half the slower one's closed-loop throughput: p50 and p99.
 * Both dashboards know the same four queues; the data is the same job payload
 * (bench/lib/data.ts). Each run is a warm-up, then the measured window.
 *
 * Options (for looking around while developing; targets are judged on a full
 * run): --seconds S measured per run (10), --warmup S before each (2), --scale F
 * shrinks every DLQ and the failed-job queue, --watch-seconds S per watching
 * run (60), --queue-tab the tab the watchers' queue page shows (dlq), --only.
 */

const SCENARIOS = {
  page: scenarioPage,
  stats: scenarioStats,
  growth: scenarioGrowth,
  watch: scenarioWatch,
  rate: scenarioRate,
} as const;

type ScenarioId = keyof typeof SCENARIOS;

const OPTIONS = {
  measureS: duration("--seconds", 10),
  warmupS: duration("--warmup", 2, true),
  scale: scale(),
  only: only(Object.keys(SCENARIOS) as ScenarioId[]),
  watchS: duration("--watch-seconds", 60),
  queueTab: choice("--queue-tab", ["dlq", "errors", "retries"], "dlq"),
};

type Options = ReturnType<typeof parseOptions<typeof OPTIONS>>;

/** The installed version of one of the project's own packages (some export no package.json). */
function peerOfRoot(name: string): string {
  try {
    const file = join(ROOT, "node_modules", name, "package.json");
    return (JSON.parse(readFileSync(file, "utf8")) as { version: string }).version;
  } catch {
    return "unknown";
  }
}

function environmentOf(o: Options, buildSeconds: number) {
  return {
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
    warmupSeconds: o.warmupS,
    measuredSeconds: o.measureS,
    scale: o.scale,
    scenarios: o.only,
    watchSeconds: o.watchS,
    queueTab: o.queueTab,
    buildSeconds,
  };
}

function printHeading(env: ReturnType<typeof environmentOf>): void {
  console.log(
    `Redrive API benchmark — node ${process.version}, ${cpus().length} CPUs, load ` +
      `${loadavg()[0]!.toFixed(2)}, Next.js ${env.next}, bull-board ` +
      `${env.bullBoardApi} (express adapter ${env.bullBoardExpress}), BullMQ ` +
      `${env.bullmq}, autocannon ${env.autocannon}; ${CONNECTIONS} connections, ` +
      `${env.warmupSeconds} s warm-up + ${env.measuredSeconds} s measured per run` +
      (env.scale < 1 ? `, scale ${env.scale} (targets are only meaningful at scale 1)` : ""),
  );
}

/**
 * Both systems on their own redis-servers, loaded with data, started and
 * checked; each started part leaves its stop in `stops`.
 */
async function startSystems(o: Options, sz: Sizes, stops: (() => Promise<void>)[]) {
  const growth = o.only.includes("growth");
  const b = await startBenchServer(QUEUES.join(","));
  stops.push(() => b.stop());
  // The PING monitor would take a core's share from the servers under load.
  await b.ping.close();
  const bullRedis = await startEmbeddedRedis(process.env.REDIS_SERVER_BIN || "redis-server");
  stops.push(() => bullRedis.stop());
  const bullClient = new Redis(bullRedis.url, { maxRetriesPerRequest: 1 });
  stops.push(async () => bullClient.disconnect());

  await loadData(b, bullRedis, sz, growth);
  // What the overview's charts read: an hour of history, as a running worker service leaves it.
  if (o.only.includes("watch")) {
    const dlqs = Object.fromEntries(QUEUES.map((q) => [q, q === PAGE_QUEUE ? sz.page : 0]));
    await fillHistory(b.engine.ctx, dlqs);
  }

  const app = await startNextApp(b.redriveEnv, QUEUES);
  stops.push(() => app.stop());
  const board = await startBullBoard(bullRedis.port, QUEUES);
  stops.push(() => board.stop());
  const startRss = memoryMb(app.serverPid);
  console.log(
    `\nRedrive: next start pid ${app.launcherPid}, serving pid ${app.serverPid} on ${app.url} ` +
      `(RSS ${startRss.rssMb.toFixed(0)} MB after start-up); bull-board: pid ${board.pid} on ${board.url}`,
  );
  const bodyBytes = await verify({ b, bullRedis, bullClient, app, board }, sz, growth);
  const systems: Systems = {
    runner: { autocannon: loadAutocannon(), warmupS: o.warmupS, measureS: o.measureS },
    redrive: {
      name: "Redrive",
      pid: app.serverPid,
      redis: b.redis,
      headers: { cookie: app.cookie },
    },
    bullBoard: { name: "bull-board", pid: board.pid, redis: bullClient, headers: {} },
    appUrl: app.url,
    boardUrl: board.url,
    sz,
    newSession: () => app.newSession(),
    watch: { seconds: o.watchS, tab: o.queueTab },
  };
  return { b, systems, startRss, bodyBytes };
}

/**
 * One pass over every endpoint first, so that the first measured run does
 * not pay for lazily loaded route code and JIT warm-up more than the others.
 */
async function warmUp(s: Systems, growth: boolean): Promise<void> {
  const { runner, redrive, bullBoard, appUrl, boardUrl } = s;
  const endpoints: [typeof redrive, string, string][] = [
    [redrive, appUrl, dlqPagePath(PAGE_QUEUE, 0)],
    [redrive, appUrl, "/api/admin/dlq/stats"],
    [bullBoard, boardUrl, bullPagePath("all")],
    [bullBoard, boardUrl, bullPagePath("one")],
    [bullBoard, boardUrl, BULL_COUNTS_PATH],
  ];
  if (growth) endpoints.push([redrive, appUrl, dlqPagePath(LARGE_QUEUE, s.sz.deepOffset)]);
  console.log(`\nWarming up every endpoint (${runner.warmupS} s each, not measured)`);
  for (const [sys, url, path] of endpoints) {
    await load(runner.autocannon, url + path, CONNECTIONS, runner.warmupS, sys.headers);
  }
}

/** RSS after every measured run, of the process that serves the requests. */
function serverMemory(pid: number, startRss: ReturnType<typeof memoryMb>) {
  const endRss = memoryMb(pid);
  printTable(
    `Redrive's server process (pid ${pid}) memory, from /proc/<pid>/status`,
    ["when", "VmRSS MB", "VmHWM (peak) MB"],
    [
      ["after start-up", startRss.rssMb, startRss.peakRssMb],
      ["after the runs", endRss.rssMb, endRss.peakRssMb],
    ],
  );
  return {
    target: target("rss", "server RSS after the runs (VmRSS)", endRss.rssMb, "<=", 300, "MB"),
    results: { startMb: startRss, endMb: endRss },
  };
}

/** The scenarios picked, the server's memory, and where the time goes; the summary of it all. */
async function measureAll(
  o: Options,
  started: Date,
  environment: ReturnType<typeof environmentOf>,
  parts: Awaited<ReturnType<typeof startSystems>>,
): Promise<Summary> {
  const { b, systems, startRss, bodyBytes } = parts;
  const targets: Target[] = [];
  const results: Record<string, unknown> = { responseBodyBytes: bodyBytes };
  const measured: Measured[] = [];
  await warmUp(systems, o.only.includes("growth"));
  for (const id of Object.keys(SCENARIOS) as ScenarioId[]) {
    if (!o.only.includes(id)) continue;
    const outcome: ScenarioOutcome = await SCENARIOS[id](systems);
    targets.push(...outcome.targets);
    Object.assign(results, outcome.results);
    measured.push(...outcome.measured);
  }
  const memory = serverMemory(systems.redrive.pid, startRss);
  targets.push(memory.target);
  results.serverMemory = memory.results;
  const badResponses = measured.reduce((sum, m) => sum + bad(m), 0);
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
  results.inProcessCpuMs = await inProcess(b, systems.sz, o.only.includes("growth"));
  results.diagnostics = await diagnostics(systems);
  return summarize(
    "api",
    started,
    { ...environment, redis: b.redisVersion, loadavg1mAtEnd: loadavg()[0] },
    results,
    targets,
  );
}

export async function run(args: string[]): Promise<Summary> {
  const o = parseOptions(args, OPTIONS);
  const sz = sizes(o.scale);
  const started = new Date();
  const environment = environmentOf(o, ensureProductionBuild());
  printHeading(environment);
  const stops: (() => Promise<void>)[] = [];
  try {
    const parts = await startSystems(o, sz, stops);
    return await measureAll(o, started, environment, parts);
  } finally {
    for (const stop of stops.reverse()) await stop().catch((e: unknown) => console.error(e));
  }
}
