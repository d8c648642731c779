import { forRequeue } from "../../lib/queues/message";
import { dlqEntry, stackTrace, type DlqWriter } from "../lib/data";
import type { BenchServer } from "../lib/server";
import { target, type Target } from "../lib/summary";
import { Count, printTable } from "../lib/table";
import {
  bullmqDrains,
  redriveDrains,
  type BullDrains,
  type DrainRuns,
  type RedriveDrains,
} from "./drains";
import { printWhereTimeGoes, timeJson } from "./time-goes";
import { QUEUE, rowJson, seconds, type ScenarioResult, type Sizes } from "./shared";

/**
 * b) Requeue all and delete all of a DLQ, entries written by the Python
 * backend first (the DLQs most deployments have), then by Redrive, against
 * BullMQ's retryJobs and clean(0, 0, "failed") on as many failed jobs in the
 * same run; the same at the full DLQ size for Redrive alone; where the time
 * goes; and how the figures depend on the size of what is moved (a 2 KB stack
 * trace in the entry, in BullMQ's job hash).
 */

/** The JavaScript a drain spends on an entry that only the full parser can restore, timed alone. */
function parserPathCost(writer: DlqWriter): number {
  const count = 20_000;
  const entries = Array.from({ length: count }, (_, i) => dlqEntry(writer, i, QUEUE, new Date()));
  for (const raw of entries.slice(0, 2000)) forRequeue(raw);
  const t0 = performance.now();
  for (const raw of entries) forRequeue(raw);
  return ((performance.now() - t0) * 1000) / count;
}

const STACK_BYTES = 2048;

function printDrains(title: string, rows: DrainRuns[]): void {
  printTable(
    title,
    [
      "system",
      "messages",
      "median msg/s",
      "min msg/s",
      "runs",
      "time s",
      "PING worst ms",
      "PING p99 ms",
      "longest cmd ms",
      "redis kept off CPU ms",
      "node busy s",
      "redis CPU s",
      "setup s (untimed)",
      "note",
    ],
    rows.map((r) => [
      r.system,
      r.messages,
      r.rate,
      r.minRate,
      new Count(r.runs.length),
      seconds(r.ms),
      r.ping.worstMs,
      r.ping.p99Ms,
      r.cpu.longestCommandMs,
      r.cpu.redisWaitMs,
      seconds(r.cpu.nodeBusyMs),
      seconds(r.cpu.redisCpuMs),
      seconds(r.setupMs),
      r.note,
    ]),
  );
}

function drainJson(r: DrainRuns) {
  return {
    ...rowJson(r),
    note: r.note,
    runsMsgPerSec: r.runs,
    minMsgPerSec: r.minRate,
    serverMicrosPerMsg: Object.fromEntries(
      Object.entries(r.cpu.commands).map(([k, c]) => [k, c.usec / r.messages]),
    ),
    whereTimeGoes: timeJson(r),
  };
}

interface Compared {
  label: string;
  id: string;
  redrive: DrainRuns;
  /** The same drain at the full DLQ size, Redrive alone. */
  full?: DrainRuns;
  bullmq: DrainRuns;
}

function comparisons(py: RedriveDrains, rd: RedriveDrains, bull: BullDrains): Compared[] {
  const clean = bull.clean!;
  return [
    {
      label: "requeue all, Python-written",
      id: "requeueAllForeign",
      redrive: py.requeue,
      full: py.requeueFull,
      bullmq: bull.retry,
    },
    {
      label: "delete all, Python-written",
      id: "deleteAllForeign",
      redrive: py.delete,
      full: py.deleteFull,
      bullmq: clean,
    },
    {
      label: "requeue all, Redrive-written",
      id: "requeueAll",
      redrive: rd.requeue,
      full: rd.requeueFull,
      bullmq: bull.retry,
    },
    {
      label: "delete all, Redrive-written",
      id: "deleteAll",
      redrive: rd.delete,
      full: rd.deleteFull,
      bullmq: clean,
    },
  ];
}

/** Against BullMQ in the same run, and the worst PING over every Redrive run of the drain. */
function drainTargets(cs: Compared[]): Target[] {
  return cs.flatMap((c) => [
    target(
      `${c.id}.vsBullmq`,
      `b) ${c.label}: Redrive / BullMQ (${c.redrive.messages} each, medians)`,
      c.redrive.rate / c.bullmq.rate,
      ">=",
      1.5,
      "×",
    ),
    target(
      `${c.id}.pingWorst`,
      `b) ${c.label}: worst PING (every run, every size)`,
      Math.max(c.redrive.ping.worstMs, c.full?.ping.worstMs ?? 0),
      "<=",
      10,
      "ms",
    ),
  ]);
}

function printRatios(cs: Compared[]): void {
  printTable(
    "b) Redrive / BullMQ in the same run (median against median; min against min)",
    ["drain", "messages", "Redrive msg/s", "BullMQ msg/s", "ratio", "ratio of minimums"],
    cs.map((c) => [
      `${c.label} (BullMQ ${c.bullmq.system.replace("BullMQ ", "")})`,
      c.redrive.messages,
      c.redrive.rate,
      c.bullmq.rate,
      c.redrive.rate / c.bullmq.rate,
      c.redrive.minRate / c.bullmq.minRate,
    ]),
  );
}

/** The requeue with a 2 KB stack trace in what is moved, against the same without. */
async function entrySize(b: BenchServer, sz: Sizes, small: RedriveDrains, bull: BullDrains) {
  const stack = stackTrace(STACK_BYTES);
  const sizes = { compare: sz.compare, full: sz.compare, runs: sz.runs, stack };
  const big = await redriveDrains(b, "redrive", sizes, "Redrive-written entries, 2 KB stack");
  const label = ", 2 KB stack";
  const bigBull = await bullmqDrains(b, sz.bullmqFailed, sz.runs, {
    stack,
    label,
    retryOnly: true,
  });
  const rows = [
    ["Redrive requeueAll, Redrive-written", small.requeue, big.requeue],
    ["BullMQ retryJobs(failed)", bull.retry, bigBull.retry],
  ] as const;
  printTable(
    `b) What a 2 KB stack trace costs a requeue (Redrive copies whole entries; BullMQ moves job ids): ` +
      `${sz.compare} messages, medians`,
    ["drain", "entry B", "msg/s", "entry B, 2 KB stack", "msg/s, 2 KB stack", "slowdown ×"],
    rows.map(([name, a, c]) => [name, a.entryBytes, a.rate, c.entryBytes, c.rate, a.rate / c.rate]),
  );
  return {
    rows: [big.requeue, bigBull.retry],
    json: {
      stackBytes: STACK_BYTES,
      redriveWritten: { small: drainJson(small.requeue), withStack: drainJson(big.requeue) },
      bullmq: { small: drainJson(bull.retry), withStack: drainJson(bigBull.retry) },
      redriveSlowdown: small.requeue.rate / big.requeue.rate,
      bullmqSlowdown: bull.retry.rate / bigBull.retry.rate,
    },
  };
}

/** The JSON of the drains: the keys of the former requeue-all scenario, and delete all beside. */
function drainResults(py: RedriveDrains, rd: RedriveDrains, bull: BullDrains, parserUs: number) {
  const clean = bull.clean!;
  const opt = (r: DrainRuns | undefined) => (r ? drainJson(r) : null);
  return {
    requeueAll: {
      redrive: drainJson(rd.requeue),
      redrivePythonWritten: { ...drainJson(py.requeue), parserPathJsMicrosPerMsg: parserUs },
      bullmq: drainJson(bull.retry),
      ratioVsBullmq: rd.requeue.rate / bull.retry.rate,
      ratioPythonWrittenVsBullmq: py.requeue.rate / bull.retry.rate,
      redriveFullSize: opt(rd.requeueFull),
      redrivePythonWrittenFullSize: opt(py.requeueFull),
    },
    deleteAll: {
      redrive: drainJson(rd.delete),
      redrivePythonWritten: drainJson(py.delete),
      bullmq: drainJson(clean),
      ratioVsBullmq: rd.delete.rate / clean.rate,
      ratioPythonWrittenVsBullmq: py.delete.rate / clean.rate,
      redriveFullSize: opt(rd.deleteFull),
      redrivePythonWrittenFullSize: opt(py.deleteFull),
    },
    drainSetupSeconds: {
      pythonWritten: seconds(py.setupMs),
      redriveWritten: seconds(rd.setupMs),
      bullmq: seconds(bull.setupMs),
    },
  };
}

export async function scenarioRequeueAll(b: BenchServer, sz: Sizes): Promise<ScenarioResult> {
  const sizes = { compare: sz.compare, full: sz.dlq, runs: sz.runs };
  const py = await redriveDrains(b, "python", sizes, "Python-written entries");
  const rd = await redriveDrains(b, "redrive", sizes, "Redrive-written entries");
  const bull = await bullmqDrains(b, sz.bullmqFailed, sz.runs);
  const parserUs = parserPathCost("python");
  const cs = comparisons(py, rd, bull);
  const all = [py, rd].flatMap((d) => [d.requeue, d.delete, d.requeueFull, d.deleteFull]);
  const rows = [...all.filter((r) => r !== undefined), bull.retry, bull.clean!];
  printDrains(
    `b) Requeue all and delete all: Redrive on ${sz.compare} and ${sz.dlq} DLQ entries (Python-written ` +
      `first), BullMQ on ${sz.bullmqFailed} failed jobs; median of ${sz.runs} runs, fresh data each`,
    rows,
  );
  printRatios(cs);
  const size = await entrySize(b, sz, rd, bull);
  printWhereTimeGoes([...rows, ...size.rows]);
  console.log(
    `Parser path (Python-written entries), JavaScript alone: forRequeue takes ${parserUs.toFixed(2)} µs/entry`,
  );
  return {
    targets: drainTargets(cs),
    results: { ...drainResults(py, rd, bull, parserUs), entrySize: size.json },
  };
}
