import type Redis from "ioredis";
import IORedis from "ioredis";
import { keysOf } from "../../lib/queues/context";
import { forRequeue } from "../../lib/queues/message";
import { retentionSeconds } from "../../lib/queues/producer";
import { addFailedJobs, loadBullMQ, type BullQueue } from "../lib/bullmq";
import { check } from "../lib/check";
import { loadDlq, payload, payloadBytes, type DlqWriter } from "../lib/data";
import type { BenchServer } from "../lib/server";
import { copyDatabase, flushDatabase, keepAside, restore } from "../lib/snapshot";
import { tap, type TapStats } from "../lib/tap";
import { bullConnection, phase, QUEUE, repeated, row, type Repeated, type Row } from "./shared";

/**
 * The drains of scenario b, measured: Redrive's requeue all and delete all
 * (engine.requeueAll / deleteAll) on a DLQ written once and copied back before
 * every run, and BullMQ's retryJobs / clean(0, 0, "failed") on failed jobs
 * made once by a failing worker and copied back likewise (bench/lib/snapshot.ts).
 */

export type DrainOp = "requeue" | "delete";

/** A drain's row, with what it sent and the shape of what it moved. */
export interface DrainRow extends Row {
  op: DrainOp;
  tap: TapStats;
  /** Mean size of an entry (Redrive) or of a job's data (BullMQ), bytes. */
  entryBytes: number;
  /** MEMORY USAGE of the DLQ list (Redrive) or of a job hash (BullMQ), per message, bytes. */
  storedBytesPerMessage: number;
}

export type DrainRuns = Repeated<DrainRow>;

const ASIDE = "bench:aside:dlq";
const ASIDE_COMPARE = "bench:aside:dlq:compare";
/** BullMQ's queue lives in a database of its own, and its copy in another. */
const BULL_DB = 1;
const BULL_ASIDE_DB = 2;
const BULL_QUEUE = "bench-drain";
export const FAIL_REASON = "GCS download timed out after 30 s";

const memoryUsage = async (redis: Redis, key: string) =>
  Number(await redis.call("MEMORY", "USAGE", key, "SAMPLES", "0"));

interface Dlq {
  writer: DlqWriter;
  label: string;
  entryBytes: number;
}

async function redriveOnce(
  b: BenchServer,
  d: Dlq,
  op: DrainOp,
  aside: string,
  n: number,
): Promise<DrainRow> {
  const { dlq, work } = keysOf(b.engine.ctx, QUEUE);
  const t0 = performance.now();
  await restore(b.redis, aside, dlq, [work]);
  const oldest = (await b.redis.lindexBuffer(dlq, -1))!;
  const newest = (await b.redis.lindexBuffer(dlq, 0))!;
  check((await b.redis.llen(dlq)) === n, `the DLQ holds ${n} entries again`);
  const stored = (await memoryUsage(b.redis, dlq)) / n;
  const setupMs = performance.now() - t0;
  const p = await phase(b, async () => {
    const stop = tap([b.redis]);
    const result = await (op === "requeue"
      ? b.engine.requeueAll(QUEUE)
      : b.engine.deleteAll(QUEUE));
    return { result, tap: stop() };
  });
  const { moved } = p.result.result;
  check(moved === n, `${op} all moved ${moved}, expected ${n}`);
  check((await b.redis.llen(dlq)) === 0, "DLQ is empty");
  check((await b.redis.llen(work)) === (op === "requeue" ? n : 0), "work queue length");
  if (op === "requeue") {
    // The oldest goes nearest the consumers (the right end); bytes as forRequeue makes them.
    check(
      forRequeue(oldest).equals((await b.redis.lindexBuffer(work, -1))!) &&
        forRequeue(newest).equals((await b.redis.lindexBuffer(work, 0))!),
      "requeued entries are the DLQ's, restored as forRequeue restores them, oldest first",
    );
  }
  const name = `Redrive ${op === "requeue" ? "requeueAll" : "deleteAll"}, ${d.label}`;
  const r = row(name, n, p, setupMs, `${Math.round(d.entryBytes)} B/entry`);
  return { ...r, op, tap: p.result.tap, entryBytes: d.entryBytes, storedBytesPerMessage: stored };
}

export interface RedriveDrains {
  requeue: DrainRuns;
  delete: DrainRuns;
  /** At the full DLQ size (when larger than the compared one). */
  requeueFull?: DrainRuns;
  deleteFull?: DrainRuns;
  setupMs: number;
}

/**
 * Writes `full` entries the way `writer` writes them (metadata hashes
 * included), keeps them aside, and times requeue all and delete all on the
 * newest `compare` of them and on all of them, `runs` times each.
 */
export async function redriveDrains(
  b: BenchServer,
  writer: DlqWriter,
  sizes: { compare: number; full: number; runs: number; stack?: string },
  label: string,
): Promise<RedriveDrains> {
  await b.flush();
  const { dlq } = keysOf(b.engine.ctx, QUEUE);
  const t0 = performance.now();
  const retention = retentionSeconds(b.config);
  const entryBytes = await loadDlq(b.redis, QUEUE, dlq, sizes.full, retention, writer, {
    stack: sizes.stack,
  });
  await keepAside(b.redis, dlq, ASIDE);
  await keepAside(b.redis, dlq, ASIDE_COMPARE);
  await b.redis.ltrim(ASIDE_COMPARE, 0, sizes.compare - 1);
  const setupMs = performance.now() - t0;
  const d: Dlq = { writer, label, entryBytes };
  const runs = (op: DrainOp, aside: string, n: number) =>
    repeated(() => redriveOnce(b, d, op, aside, n), sizes.runs);
  const out: RedriveDrains = {
    requeue: await runs("requeue", ASIDE_COMPARE, sizes.compare),
    delete: await runs("delete", ASIDE_COMPARE, sizes.compare),
    setupMs,
  };
  if (sizes.full > sizes.compare) {
    out.requeueFull = await runs("requeue", ASIDE, sizes.full);
    out.deleteFull = await runs("delete", ASIDE, sizes.full);
  }
  return out;
}

/** Mean MEMORY USAGE of `sample` job hashes spread over ids 1..n. */
async function jobHashBytes(client: Redis, n: number, sample = 200): Promise<number> {
  let sum = 0;
  let seen = 0;
  for (let k = 0; k < sample; k++) {
    const id = 1 + Math.floor((k * n) / sample);
    const bytes = await memoryUsage(client, `bull:${BULL_QUEUE}:${id}`);
    if (bytes > 0) [sum, seen] = [sum + bytes, seen + 1];
  }
  return seen > 0 ? sum / seen : NaN;
}

async function bullOnce(
  b: BenchServer,
  queue: BullQueue,
  op: DrainOp,
  n: number,
  shape: { entryBytes: number; jobBytes: number; label: string },
): Promise<DrainRow> {
  const t0 = performance.now();
  await flushDatabase(b.url, BULL_DB);
  await copyDatabase(b.url, BULL_ASIDE_DB, BULL_DB);
  check((await queue.getFailedCount()) === n, `BullMQ holds ${n} failed jobs again`);
  const setupMs = performance.now() - t0;
  const client = await queue.getBackend().client;
  const p = await phase(b, async () => {
    const stop = tap([client]);
    const cleaned = op === "requeue" ? null : await queue.clean(0, 0, "failed");
    if (op === "requeue") await queue.retryJobs({ state: "failed" });
    return { cleaned, tap: stop() };
  });
  check((await queue.getFailedCount()) === 0, `BullMQ failed set is empty after ${op}`);
  if (op === "requeue") {
    check((await queue.getWaitingCount()) === n, "BullMQ wait list holds every retried job");
  } else {
    check(p.result.cleaned?.length === n, `clean removed ${p.result.cleaned?.length} of ${n}`);
  }
  const name = op === "requeue" ? "BullMQ retryJobs(failed)" : "BullMQ clean(0, 0, failed)";
  const r = row(
    `${name}${shape.label}`,
    n,
    p,
    setupMs,
    `${Math.round(shape.entryBytes)} B data/job`,
  );
  return {
    ...r,
    op,
    tap: p.result.tap,
    entryBytes: shape.entryBytes,
    storedBytesPerMessage: shape.jobBytes,
  };
}

export interface BullDrains {
  retry: DrainRuns;
  clean?: DrainRuns;
  setupMs: number;
}

/**
 * `n` failed jobs made once by a failing worker (in database BULL_DB, copied
 * to BULL_ASIDE_DB), then retryJobs and, unless `retryOnly`, clean, `runs`
 * times each on a fresh copy.
 */
export async function bullmqDrains(
  b: BenchServer,
  n: number,
  runs: number,
  options: { stack?: string; label?: string; retryOnly?: boolean } = {},
): Promise<BullDrains> {
  await b.flush();
  const bull = loadBullMQ();
  const connection = { ...bullConnection(b), db: BULL_DB };
  const queue = new bull.Queue(BULL_QUEUE, { connection });
  const inspect = new IORedis(b.url, { db: BULL_DB, maxRetriesPerRequest: 1 });
  try {
    await queue.waitUntilReady();
    const t0 = performance.now();
    let bytes = 0;
    const job = (i: number) => {
      const data = payload(i, 3);
      bytes += payloadBytes(data);
      return { name: QUEUE, data };
    };
    await addFailedJobs(bull, queue, connection, n, job, FAIL_REASON, options.stack);
    check((await queue.getFailedCount()) === n, `BullMQ holds ${n} failed jobs`);
    const jobBytes = await jobHashBytes(inspect, n);
    await copyDatabase(b.url, BULL_DB, BULL_ASIDE_DB);
    const setupMs = performance.now() - t0;
    const shape = { entryBytes: bytes / n, jobBytes, label: options.label ?? "" };
    const once = (op: DrainOp) => repeated(() => bullOnce(b, queue, op, n, shape), runs);
    const retry = await once("requeue");
    const clean = options.retryOnly ? undefined : await once("delete");
    return { retry, clean, setupMs };
  } finally {
    inspect.disconnect();
    await queue.close();
  }
}
