import { target, type Target } from "../lib/summary";
import { printTable } from "../lib/table";
import {
  cells,
  HEADER,
  measure,
  runJson,
  type Measured,
  type Runner,
  type System,
} from "./measure";
import type { QueueTab } from "./watchers";
import {
  BULL_COUNTS_PATH,
  bullPagePath,
  dlqPagePath,
  LARGE_QUEUE,
  PAGE,
  PAGE_QUEUE,
  QUEUES,
  SMALL_QUEUE,
  type Sizes,
} from "./shared";

/** The two systems under load, where they listen, and the sizes they hold. */
export interface Systems {
  runner: Runner;
  redrive: System;
  bullBoard: System;
  appUrl: string;
  boardUrl: string;
  sz: Sizes;
  /** Another logged-in session of Redrive's (its Cookie header). */
  newSession(): Promise<string>;
  /** The cost-of-watching scenario's window and the queue page's tab. */
  watch: { seconds: number; tab: QueueTab };
  /** Scenario 1's closed-loop req/s of both pages, once it ran (the fixed rate is chosen from it). */
  closedLoop?: { redrive: number; bullBoard: number };
}

/** What a scenario adds to the summary, and its runs (every one must answer 200). */
export interface ScenarioOutcome {
  targets: Target[];
  results: Record<string, unknown>;
  measured: Measured[];
}

/** 1) A DLQ page of 50 against bull-board's page of 50 failed jobs (its 4-queue and 1-queue boards). */
export async function scenarioPage(s: Systems): Promise<ScenarioOutcome> {
  console.log("\n1) DLQ page of 50");
  const ours = await measure(s.runner, s.redrive, "Redrive", s.appUrl, dlqPagePath(PAGE_QUEUE, 0));
  const peer = await measure(s.runner, s.bullBoard, "bull-board", s.boardUrl, bullPagePath("all"));
  const peerOne = await measure(
    s.runner,
    s.bullBoard,
    "bull-board, 1-queue board",
    s.boardUrl,
    bullPagePath("one"),
  );
  printTable(
    `1) A page of ${PAGE}: Redrive's DLQ of ${s.sz.page} messages vs bull-board's ${s.sz.page} failed jobs ` +
      `(board of ${QUEUES.length} queues as Redrive's; the 1-queue board for reference)`,
    HEADER,
    [ours, peer, peerOne].map(cells),
  );
  const ratio = ours.run.reqPerSec / peer.run.reqPerSec;
  s.closedLoop = { redrive: ours.run.reqPerSec, bullBoard: peer.run.reqPerSec };
  console.log(
    `Redrive / bull-board: ${ratio.toFixed(2)}× req/s (${(ours.run.reqPerSec / peerOne.run.reqPerSec).toFixed(2)}× ` +
      `against the 1-queue board); p99 ${ours.run.p99Ms.toFixed(1)} vs ${peer.run.p99Ms.toFixed(1)} ms`,
  );
  return {
    measured: [ours, peer, peerOne],
    // No target on the closed-loop req/s ratio any more (it was ≥ 3×; the figure stays in the
    // table and the JSON): a Next.js route's own floor, about 0.73 ms of CPU per request for
    // /api/health before any Redrive code runs, is more than bull-board's Express handler spends
    // on its whole answer, so closed loops on this page measure the framework. What an admin
    // feels is the latency below saturation: scenario 5's fixed-rate p99 target.
    targets: [
      target(
        "page.p99",
        "1) page of 50: Redrive p99 (bound: bull-board's p99)",
        ours.run.p99Ms,
        "<=",
        peer.run.p99Ms,
        "ms",
      ),
    ],
    results: {
      page: {
        redrive: runJson(ours),
        bullBoard: runJson(peer),
        bullBoardOneQueue: runJson(peerOne),
        ratioReqPerSec: ratio,
        ratioReqPerSecVsOneQueueBoard: ours.run.reqPerSec / peerOne.run.reqPerSec,
      },
    },
  };
}

/** 2) Redrive's stats against bull-board's /api/queues without an active queue (counts only). */
export async function scenarioStats(s: Systems): Promise<ScenarioOutcome> {
  console.log("\n2) Stats");
  const ours = await measure(s.runner, s.redrive, "Redrive", s.appUrl, "/api/admin/dlq/stats");
  const peer = await measure(s.runner, s.bullBoard, "bull-board", s.boardUrl, BULL_COUNTS_PATH);
  printTable(
    `2) Stats: Redrive's /api/admin/dlq/stats (logged in) vs bull-board's /api/queues without ` +
      `an active queue (counts only), ${QUEUES.length} queues each`,
    HEADER,
    [ours, peer].map(cells),
  );
  const ratio = ours.run.reqPerSec / peer.run.reqPerSec;
  return {
    measured: [ours, peer],
    targets: [
      target("stats.vsBullBoard", "2) stats: Redrive / bull-board req/s", ratio, ">=", 1, "×"),
    ],
    results: {
      stats: { redrive: runJson(ours), bullBoard: runJson(peer), ratioReqPerSec: ratio },
    },
  };
}

/** A large DLQ's page against the small DLQ's (req/s: small ÷ large; latency: large ÷ small). */
function growthRatios(small: Measured, m: Measured) {
  return {
    reqPerSec: small.run.reqPerSec / m.run.reqPerSec,
    p50: m.run.p50Ms / small.run.p50Ms,
    mean: m.run.meanMs / small.run.meanMs,
    p99: m.run.p99Ms / small.run.p99Ms,
    lrangeUs: (m.commandUs.lrange ?? NaN) / (small.commandUs.lrange ?? NaN),
  };
}

/** 3) The page at offset 0 and deep into a large DLQ, against offset 0 of a small one. */
export async function scenarioGrowth(s: Systems): Promise<ScenarioOutcome> {
  const { sz } = s;
  console.log("\n3) Growth");
  const page = (label: string, queue: string, offset: number) =>
    measure(s.runner, s.redrive, label, s.appUrl, dlqPagePath(queue, offset));
  const small = await page(`${sz.small} messages, offset 0`, SMALL_QUEUE, 0);
  const large0 = await page(`${sz.large} messages, offset 0`, LARGE_QUEUE, 0);
  const largeDeep = await page(
    `${sz.large} messages, offset ${sz.deepOffset}`,
    LARGE_QUEUE,
    sz.deepOffset,
  );
  printTable(
    `3) Growth: Redrive's DLQ page of ${PAGE}`,
    HEADER,
    [small, large0, largeDeep].map(cells),
  );
  const r0 = growthRatios(small, large0);
  const rDeep = growthRatios(small, largeDeep);
  printTable(
    `3) Growth ratios against the ${sz.small}-message DLQ at offset 0 (req/s: small ÷ large; latency: large ÷ small)`,
    ["page", "req/s ratio", "p50 ratio", "mean ratio", "p99 ratio", "LRANGE µs ratio"],
    [
      [large0.label, r0.reqPerSec, r0.p50, r0.mean, r0.p99, r0.lrangeUs],
      [largeDeep.label, rDeep.reqPerSec, rDeep.p50, rDeep.mean, rDeep.p99, rDeep.lrangeUs],
    ],
  );
  return {
    measured: [small, large0, largeDeep],
    targets: [
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
    ],
    results: {
      growth: {
        small: runJson(small),
        largeOffset0: runJson(large0),
        largeDeepOffset: runJson(largeDeep),
        ratiosOffset0: r0,
        ratiosDeepOffset: rDeep,
      },
    },
  };
}

/** Where the time goes (b): Redrive's cheapest routes, without the session (not targets). */
export async function diagnostics(s: Systems): Promise<Record<string, unknown>> {
  const runner: Runner = { ...s.runner, measureS: Math.min(s.runner.measureS, 5), warmupS: 1 };
  const diag = [
    await measure(
      runner,
      s.redrive,
      "GET /api/health (no session; Next.js route + 2 Redis calls)",
      s.appUrl,
      "/api/health",
    ),
    await measure(
      runner,
      { ...s.redrive, headers: {} },
      "GET /api/admin/dlq/stats without cookie (401 from the route's session check, no JWT)",
      s.appUrl,
      "/api/admin/dlq/stats",
    ),
  ];
  printTable(
    "Where the time goes (b): Redrive without the session (diagnostic runs, not targets; the 401s are expected)",
    HEADER,
    diag.map(cells),
  );
  return Object.fromEntries(diag.map((m) => [m.label, runJson(m)]));
}
