import IORedis from "ioredis";
import { keysOf, sleep } from "../../lib/queues/context";
import { retentionSeconds } from "../../lib/queues/producer";
import { createTask, taskKey, taskLoop } from "../../lib/tasks/redrive";
import { check } from "../lib/check";
import { loadDlq, type DlqWriter } from "../lib/data";
import type { BenchServer } from "../lib/server";
import { keepAside, restore } from "../lib/snapshot";
import { Count, printTable } from "../lib/table";
import { tap, type TapStats } from "../lib/tap";
import {
  phase,
  QUEUE,
  repeated,
  row,
  rowJson,
  seconds,
  type Repeated,
  type Row,
  type ScenarioResult,
  type Sizes,
} from "./shared";

/**
 * d) Requeue all the way users run it: an admin's task, created through the
 * engine (createTask, as POST /api/admin/dlq/{queue}/tasks does), run by the
 * worker service's task loop (taskLoop → runTask: the claim and its lease,
 * drainDlq, a progress write after every batch, the rate if one is set),
 * timed from the creation until the task reads "done". Beside it, the engine
 * call alone (requeueAll) on the same entries, so that the task's own cost
 * shows: the pick-up (the loop looks for tasks once a second; the task is
 * created half a second after its last look, the mean wait) and the progress
 * writes. And one task at a set rate, to see that the rate holds.
 */

const ASIDE = "bench:aside:task-dlq";
/** The task loop's poll (taskLoop's default, the worker service's). */
const POLL_MS = 1000;
/** How often this benchmark reads the task's state, on a connection of its own. */
const WATCH_MS = 5;

type TaskRow = Row & { tap: TapStats; rateAsked: number; claimMs: number };

async function fresh(b: BenchServer, n: number): Promise<number> {
  const { dlq, work } = keysOf(b.engine.ctx, QUEUE);
  const t0 = performance.now();
  await restore(b.redis, ASIDE, dlq, [work, taskKey(b.config, QUEUE)]);
  check((await b.redis.llen(dlq)) === n, `the DLQ holds ${n} entries again`);
  return performance.now() - t0;
}

async function directOnce(b: BenchServer, n: number, label: string): Promise<TaskRow> {
  const setupMs = await fresh(b, n);
  const p = await phase(b, async () => {
    const stop = tap([b.redis]);
    const result = await b.engine.requeueAll(QUEUE);
    return { result, tap: stop() };
  });
  check(p.result.result.moved === n, `requeueAll moved ${p.result.result.moved} of ${n}`);
  const r = row(`engine requeueAll, ${label}`, n, p, setupMs);
  return { ...r, tap: p.result.tap, rateAsked: 0, claimMs: NaN };
}

/** Creates the task and reads its state every WATCH_MS until it is over. */
async function runToEnd(b: BenchServer, watcher: IORedis, rate: number) {
  const t0 = performance.now();
  await createTask(b.engine.ctx, QUEUE, "requeue", rate, "bench");
  let claimMs = NaN;
  for (;;) {
    const [state, moved] = await watcher.hmget(taskKey(b.config, QUEUE), "state", "moved");
    if (state !== "pending" && Number.isNaN(claimMs)) claimMs = performance.now() - t0;
    if (state === "done" || state === "failed" || state === "cancelled") {
      return { state, moved: Number(moved), claimMs };
    }
    await sleep(WATCH_MS);
  }
}

async function taskOnce(b: BenchServer, n: number, rate: number, label: string): Promise<TaskRow> {
  const setupMs = await fresh(b, n);
  const watcher = new IORedis(b.url, { maxRetriesPerRequest: 1 });
  const stop = new AbortController();
  const loop = taskLoop(b.engine.ctx, "bench-worker", stop.signal, POLL_MS);
  try {
    // The loop has looked (no task yet) and sleeps: create the task half a poll later.
    await sleep(POLL_MS / 2);
    const p = await phase(b, async () => {
      const stopTap = tap([b.redis]);
      const end = await runToEnd(b, watcher, rate);
      return { ...end, tap: stopTap() };
    });
    check(p.result.state === "done", `the task ended ${p.result.state}`);
    check(p.result.moved === n, `the task moved ${p.result.moved} of ${n}`);
    check((await b.redis.llen(keysOf(b.engine.ctx, QUEUE).work)) === n, "work queue holds all");
    const name = `task ${rate > 0 ? `at ${rate} msg/s` : "unlimited"}, ${label}`;
    const r = row(name, n, p, setupMs);
    return { ...r, tap: p.result.tap, rateAsked: rate, claimMs: p.result.claimMs };
  } finally {
    stop.abort();
    await loop;
    watcher.disconnect();
  }
}

async function load(b: BenchServer, writer: DlqWriter, n: number): Promise<void> {
  await b.flush();
  const { dlq } = keysOf(b.engine.ctx, QUEUE);
  await loadDlq(b.redis, QUEUE, dlq, n, retentionSeconds(b.config), writer);
  await keepAside(b.redis, dlq, ASIDE);
}

const progressWrites = (r: TaskRow) => r.tap.byScript.progressTask ?? 0;

/** Messages per second from the claim to "done" (null for the engine call: nothing to claim). */
const afterClaim = (r: TaskRow) =>
  Number.isFinite(r.claimMs) ? r.messages / seconds(r.ms - r.claimMs) : null;

function taskJson(r: Repeated<TaskRow>) {
  const claimed = Number.isFinite(r.claimMs);
  return {
    ...rowJson(r),
    runsMsgPerSec: r.runs,
    minMsgPerSec: r.minRate,
    rateAsked: r.rateAsked,
    createdToClaimedSeconds: claimed ? seconds(r.claimMs) : null,
    claimedToDoneSeconds: claimed ? seconds(r.ms - r.claimMs) : null,
    msgPerSecAfterClaim: afterClaim(r),
    scriptCalls: r.tap.byScript,
    maxCommandsInFlight: r.tap.maxInFlight,
    progressWrites: progressWrites(r),
  };
}

function printTasks(title: string, rows: Repeated<TaskRow>[]): void {
  printTable(
    title,
    [
      "path",
      "messages",
      "median msg/s",
      "min msg/s",
      "created→claimed s",
      "claimed→done s",
      "msg/s after claim",
      "progress writes",
      "max in flight",
      "PING worst ms",
      "longest cmd ms",
    ],
    rows.map((r) => [
      r.system,
      r.messages,
      r.rate,
      r.minRate,
      Number.isFinite(r.claimMs) ? seconds(r.claimMs) : null,
      Number.isFinite(r.claimMs) ? seconds(r.ms - r.claimMs) : null,
      afterClaim(r),
      new Count(progressWrites(r)),
      new Count(r.tap.maxInFlight),
      r.ping.worstMs,
      r.cpu.longestCommandMs,
    ]),
  );
}

export async function scenarioTask(b: BenchServer, sz: Sizes): Promise<ScenarioResult> {
  const n = sz.compare;
  const rows: Repeated<TaskRow>[] = [];
  const results: Record<string, unknown> = {};
  for (const [writer, label] of [
    ["python", "Python-written"],
    ["redrive", "Redrive-written"],
  ] as const) {
    await load(b, writer, n);
    const direct = await repeated(() => directOnce(b, n, label), sz.runs);
    const task = await repeated(() => taskOnce(b, n, 0, label), sz.runs);
    rows.push(direct, task);
    results[writer === "python" ? "pythonWritten" : "redriveWritten"] = {
      engineCall: taskJson(direct),
      task: taskJson(task),
      taskOverEngineCall: task.rate / direct.rate,
    };
  }
  // Rate-limited: about two seconds' worth at the rate, on the Redrive-written entries loaded last.
  const rated = Math.min(n, 2 * sz.taskRate);
  await b.redis.ltrim(ASIDE, 0, rated - 1);
  const limited = await repeated(() => taskOnce(b, rated, sz.taskRate, "Redrive-written"), sz.runs);
  rows.push(limited);
  printTasks(
    `d) Requeue all as a task (createTask, then the worker's taskLoop with a ${POLL_MS} ms poll; created ` +
      `${POLL_MS / 2} ms after its last look), timed from creation to "done", against the engine call alone; ` +
      `median of ${sz.runs}`,
    rows,
  );
  const after = afterClaim(limited)!;
  console.log(
    `Rate-limited task: asked ${sz.taskRate} msg/s, moved at ${after.toFixed(0)} msg/s after the claim ` +
      `(${((after / sz.taskRate) * 100).toFixed(1)} % of the rate)`,
  );
  results.rateLimited = { ...taskJson(limited), achievedOverAsked: after / sz.taskRate };
  return { targets: [], results: { task: results } };
}
