import { check } from "../lib/check";
import { cpuMs } from "../lib/process";
import { cpuSplit } from "../lib/server";
import { target } from "../lib/summary";
import { Count, printTable, type Cell } from "../lib/table";
import type { System } from "./measure";
import type { ScenarioOutcome, Systems } from "./scenarios";
import { PAGE_QUEUE } from "./shared";
import {
  bullBoardPolls,
  redrivePolls,
  sequential,
  SETTLE_S,
  watch,
  type Poll,
  type WatchResult,
} from "./watchers";

/**
 * 4) The cost of watching: 1, 5 and 20 open dashboards, each with a session of
 * its own, polling what Redrive's overview and queue pages poll every 5 s
 * (bench/api/watchers.ts), for --watch-seconds; and as many of bull-board's
 * queue page polling its /api/queues the way its UI does. Per system and
 * number of watchers: Redis commands per second (INFO commandstats over the
 * window), the serving process's CPU per minute (/proc/<pid>/stat, as the
 * per-request CPU elsewhere), bytes sent. Targets: Redrive's commands/s with
 * 20 watchers ≤ 2× with 1 (a shared read cache answers the 20 from one read),
 * and ≤ 0.25× bull-board's with 20.
 */

export const WATCHERS = [1, 5, 20];

interface Watched {
  system: string;
  watchers: number;
  run: WatchResult;
  redisCommands: number;
  redisCpuMs: number;
  serverCpuMs: number;
}

const perSecond = (w: Watched, n: number) => n / (w.run.ms / 1000);
const perMinute = (w: Watched, n: number) => n / (w.run.ms / 60_000);

async function watchOnce(
  sys: System,
  url: string,
  cookies: (string | undefined)[],
  polls: Poll[],
  seconds: number,
): Promise<Watched> {
  const running = watch(url, cookies, polls, seconds);
  // Counted once every dashboard is open and has made its first read (watchers.ts).
  await new Promise((r) => setTimeout(r, SETTLE_S * 1000));
  const stop = await cpuSplit(sys.redis);
  const cpu0 = cpuMs(sys.pid);
  const run = await running;
  const cpu1 = cpuMs(sys.pid);
  const split = await stop();
  const redisCommands = Object.values(split.commands).reduce((sum, c) => sum + c.calls, 0);
  const w: Watched = {
    system: sys.name,
    watchers: cookies.length,
    run,
    redisCommands,
    redisCpuMs: split.redisCpuMs,
    serverCpuMs: cpu1 - cpu0,
  };
  console.log(
    `  ${sys.name}, ${cookies.length} watcher(s): ${run.requests} requests, ` +
      `${perSecond(w, redisCommands).toFixed(1)} Redis commands/s, non-200 ${run.bad}`,
  );
  return w;
}

function cells(w: Watched): Cell[] {
  const lat = w.run.latencies.summary();
  return [
    w.system,
    new Count(w.watchers),
    new Count(w.run.requests),
    perSecond(w, w.run.requests),
    perSecond(w, w.redisCommands),
    w.redisCommands / Math.max(1, w.run.requests),
    perMinute(w, w.redisCpuMs),
    perMinute(w, w.serverCpuMs) / 1000,
    perSecond(w, w.run.bytes) / 1024,
    w.run.bytes / Math.max(1, w.run.requests) / 1024,
    lat.p50,
    lat.p99,
    new Count(w.run.bad),
  ];
}

function json(w: Watched) {
  const lat = w.run.latencies.summary();
  return {
    watchers: w.watchers,
    seconds: w.run.ms / 1000,
    requests: w.run.requests,
    notOk: w.run.bad,
    redisCommands: w.redisCommands,
    redisCommandsPerSec: perSecond(w, w.redisCommands),
    redisCommandsPerRequest: w.redisCommands / Math.max(1, w.run.requests),
    redisCpuMsPerMin: perMinute(w, w.redisCpuMs),
    serverCpuSecondsPerMin: perMinute(w, w.serverCpuMs) / 1000,
    bytesSent: w.run.bytes,
    bytesSentPerSec: perSecond(w, w.run.bytes),
    p50Ms: lat.p50,
    p99Ms: lat.p99,
  };
}

/** The sessions: the first is the one the other scenarios use, each other a login of its own. */
async function sessions(s: Systems, n: number): Promise<string[]> {
  const cookies = [s.redrive.headers.cookie!];
  while (cookies.length < n) cookies.push(await s.newSession());
  return cookies;
}

/** Requests per endpoint when measuring its commands one request at a time. */
const EACH = 10;

/**
 * Where the commands go: each polled endpoint alone, EACH requests one after
 * the other with one session (its session check is mostly cached then), and
 * Redis commands per request from INFO commandstats.
 */
async function commandsPerEndpoint(s: Systems): Promise<Record<string, number>> {
  const rows: [string, string, number][] = [];
  const systems: [System, string, Poll[], string | undefined][] = [
    [s.redrive, s.appUrl, redrivePolls(PAGE_QUEUE, s.watch.tab), s.redrive.headers.cookie],
    [s.bullBoard, s.boardUrl, bullBoardPolls(PAGE_QUEUE), undefined],
  ];
  for (const [sys, url, polls, cookie] of systems) {
    for (const poll of polls) {
      const stop = await cpuSplit(sys.redis);
      const ok = await sequential(url, poll.path, cookie, EACH);
      const split = await stop();
      check(ok === EACH, `${sys.name} ${poll.path}: ${EACH - ok} of ${EACH} requests not 200`);
      const calls = Object.values(split.commands).reduce((sum, c) => sum + c.calls, 0);
      rows.push([sys.name, poll.path, calls / EACH]);
    }
  }
  printTable(
    `4) Where the commands go: Redis commands per request of each polled endpoint (${EACH} requests ` +
      "each, one at a time, one session)",
    ["system", "endpoint", "Redis cmds/req"],
    rows,
  );
  return Object.fromEntries(rows.map(([sys, path, n]) => [`${sys} ${path}`, n]));
}

function printWatched(seconds: number, rows: Watched[]): void {
  printTable(
    `4) Cost of watching: dashboards polling every 5 s for ${seconds} s (Redrive: overview + queue page, ` +
      `a session each; bull-board: its queue page of failed jobs)`,
    [
      "system",
      "watchers",
      "requests",
      "req/s",
      "Redis cmds/s",
      "cmds/req",
      "Redis CPU ms/min",
      "server CPU s/min",
      "KB sent/s",
      "KB/req",
      "p50 ms",
      "p99 ms",
      "non-200",
    ],
    rows.map(cells),
  );
}

const commandRate = (w: Watched) => perSecond(w, w.redisCommands);

function watchTargets(ours: Watched[], peer: Watched[], notOk: number) {
  const max = Math.max(...WATCHERS);
  const last = (xs: Watched[]) => xs[xs.length - 1]!;
  return [
    target("watch.allResponses200", "4) watching: responses not 200", notOk, "<=", 0, ""),
    target(
      "watch.growth",
      `4) watching: Redrive's Redis commands/s, ${max} watchers ÷ 1`,
      commandRate(last(ours)) / commandRate(ours[0]!),
      "<=",
      2,
      "×",
    ),
    target(
      "watch.vsBullBoard",
      `4) watching: Redis commands/s with ${max} watchers, Redrive ÷ bull-board`,
      commandRate(last(ours)) / commandRate(last(peer)),
      "<=",
      0.25,
      "×",
    ),
  ];
}

export async function scenarioWatch(s: Systems): Promise<ScenarioOutcome> {
  const { seconds, tab } = s.watch;
  console.log(
    `\n4) Cost of watching (${seconds} s per run; Redrive's queue page on its "${tab}" tab)`,
  );
  const cookies = await sessions(s, Math.max(...WATCHERS));
  const ours: Watched[] = [];
  const peer: Watched[] = [];
  for (const n of WATCHERS) {
    const polls = redrivePolls(PAGE_QUEUE, tab);
    ours.push(await watchOnce(s.redrive, s.appUrl, cookies.slice(0, n), polls, seconds));
    const none = Array.from({ length: n }, () => undefined);
    peer.push(await watchOnce(s.bullBoard, s.boardUrl, none, bullBoardPolls(PAGE_QUEUE), seconds));
  }
  printWatched(seconds, [...ours, ...peer]);
  const perEndpoint = await commandsPerEndpoint(s);
  const notOk = [...ours, ...peer].reduce((n, w) => n + w.run.bad, 0);
  const targets = watchTargets(ours, peer, notOk);
  return {
    measured: [],
    targets,
    results: {
      watch: {
        seconds,
        queueTab: tab,
        polls: { redrive: redrivePolls(PAGE_QUEUE, tab), bullBoard: bullBoardPolls(PAGE_QUEUE) },
        redrive: ours.map(json),
        bullBoard: peer.map(json),
        redriveGrowth: targets[1]!.value,
        ratioVsBullBoard: targets[2]!.value,
        notOk,
        redisCommandsPerRequestByEndpoint: perEndpoint,
      },
    },
  };
}
