import { keysOf } from "../../lib/queues/context";
import { forRequeue } from "../../lib/queues/message";
import { retentionSeconds } from "../../lib/queues/producer";
import { addFailedJobs, loadBullMQ } from "../lib/bullmq";
import { check } from "../lib/check";
import { dlqEntry, loadDlq, payload, payloadBytes, type DlqWriter } from "../lib/data";
import type { BenchServer } from "../lib/server";
import { target } from "../lib/summary";
import { printTable, type Cell } from "../lib/table";
import {
  bullConnection,
  phase,
  printRows,
  QUEUE,
  repeated,
  row,
  rowJson,
  type Row,
  type ScenarioResult,
  type Sizes,
} from "./shared";

/** b) Requeue all of a DLQ (entries written by Redrive, and by the Python backend) against BullMQ's retryJobs. */

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

type Timed = Row & { runs: number[] };

/** Per message: wall time, this process's and redis-server's CPU, and the commands' server time. */
function printBreakdown(ra: Row, rf: Row): void {
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
}

/** Against BullMQ, and the worst PING, for the entries of each writer. */
function requeueAllTargets(ra: Row, rf: Row, br: Timed) {
  return [
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
  ];
}

export async function scenarioRequeueAll(b: BenchServer, sz: Sizes): Promise<ScenarioResult> {
  const ra = await redriveRequeueAll(b, sz.dlq, "redrive");
  const rf = await redriveRequeueAll(b, sz.dlq, "python");
  const br = await repeated(() => bullmqRetryFailed(b, sz.bullmqFailed));
  const parserUs = parserPathCost("python");
  printRows(
    `b) Requeue all: Redrive on ${sz.dlq} DLQ entries, BullMQ on ${sz.bullmqFailed} failed jobs`,
    [ra, rf, br],
  );
  printBreakdown(ra, rf);
  console.log(
    `Parser path (Python-written entries), JavaScript alone: forRequeue takes ${parserUs.toFixed(2)} µs/entry`,
  );
  return {
    targets: requeueAllTargets(ra, rf, br),
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
