import type Redis from "ioredis";
import IORedis from "ioredis";
import { keysOf, sleep } from "../../lib/queues/context";
import { metadataKeyOf } from "../../lib/queues/message";
import { retentionSeconds } from "../../lib/queues/producer";
import { Processor } from "../../lib/worker/processor";
import { addFailedJobs, loadBullMQ } from "../lib/bullmq";
import { check } from "../lib/check";
import { loadDlq, payload, payloadBytes, stackTrace } from "../lib/data";
import type { BenchServer } from "../lib/server";
import { target } from "../lib/summary";
import { printTable } from "../lib/table";
import { FAIL_REASON } from "./drains";
import { bullConnection, QUEUE, type ScenarioResult, type Sizes } from "./shared";

/**
 * e) Redis memory per dead letter, each failure carrying the same 2 KB stack
 * trace: Redrive's as its processor harness writes it (lib/worker/processor.ts:
 * a consumer whose handler throws, failToDlq writing the entry, the error in
 * it, and the metadata hash beside it), the Python backend's (its entry and
 * its metadata hash, bench/lib/python-entries.ts), and BullMQ's failed job
 * (a worker whose processor throws: the job hash with its stacktrace, and its
 * member of the failed set). Two measures: the parts (MEMORY USAGE of the list
 * or the failed set, per message, plus the mean MEMORY USAGE of the per-message
 * hashes, sampled) and used_memory's growth over the whole fill (everything the
 * system keeps, its counters and BullMQ's capped event stream included).
 */

const STACK_BYTES = 2048;
/** Hashes whose MEMORY USAGE is read (spread over the fill). */
const SAMPLE = 200;

interface MemoryFigure {
  system: string;
  messages: number;
  /** Mean bytes of the stored message: the DLQ entry (Redrive, Python) or the job's data (BullMQ). */
  messageBytes: number;
  /** MEMORY USAGE of the list (DLQ) or sorted set (BullMQ's failed), per message. */
  collectionBytes: number;
  /** Mean MEMORY USAGE of the per-message hash: metadata hash or job hash. */
  hashBytes: number;
  partsBytes: number;
  usedMemoryDeltaBytes: number;
}

const usedMemory = async (redis: Redis) =>
  Number(/used_memory:(\d+)/.exec(await redis.info("memory"))?.[1]);

const memoryUsage = async (redis: Redis, key: string) =>
  Number(await redis.call("MEMORY", "USAGE", key, "SAMPLES", "0"));

async function meanUsage(redis: Redis, keys: string[]): Promise<number> {
  let sum = 0;
  for (const key of keys) sum += await memoryUsage(redis, key);
  return sum / keys.length;
}

/** The DLQ's share and its entries' metadata hashes (sampled), per dead letter. */
async function dlqParts(b: BenchServer, n: number) {
  const { dlq } = keysOf(b.engine.ctx, QUEUE);
  const sample: Buffer[] = [];
  for (let k = 0; k < SAMPLE; k++) {
    sample.push((await b.redis.lindexBuffer(dlq, Math.floor((k * n) / SAMPLE)))!);
  }
  return {
    messageBytes: sample.reduce((a, e) => a + e.length, 0) / sample.length,
    collectionBytes: (await memoryUsage(b.redis, dlq)) / n,
    hashBytes: await meanUsage(b.redis, [...new Set(sample.map((e) => metadataKeyOf(e)))]),
  };
}

function figure(
  system: string,
  n: number,
  parts: Omit<MemoryFigure, "system" | "messages" | "partsBytes" | "usedMemoryDeltaBytes">,
  deltaBytes: number,
): MemoryFigure {
  const partsBytes = parts.collectionBytes + parts.hashBytes;
  return { system, messages: n, ...parts, partsBytes, usedMemoryDeltaBytes: deltaBytes / n };
}

/** Redrive's processor harness: n messages taken by consumers whose handler throws. */
async function redriveMemory(b: BenchServer, n: number, stack: string): Promise<MemoryFigure> {
  await b.flush();
  const { work, dlq } = keysOf(b.engine.ctx, QUEUE);
  const before = await usedMemory(b.redis);
  for (let start = 0; start < n; start += 1000) {
    const batch = [];
    for (let i = start; i < Math.min(n, start + 1000); i++) batch.push(JSON.stringify(payload(i)));
    await b.redis.lpush(work, ...batch);
  }
  const fail = () => {
    const error = new Error(FAIL_REASON);
    error.name = "TimeoutError";
    error.stack = stack;
    return Promise.reject(error);
  };
  const processor = new Processor(b.engine.ctx, {
    queue: QUEUE,
    handler: fail,
    connect: () => new IORedis(b.url, { maxRetriesPerRequest: null }),
    concurrency: 16,
    blockSeconds: 0.1,
  });
  processor.start();
  while ((await b.redis.llen(dlq)) < n) await sleep(100);
  await processor.stop();
  await sleep(200); // the consumers' connections are gone, and their buffers with them
  check((await b.redis.llen(work)) === 0, "every message was taken");
  check((await b.redis.llen(dlq)) === n, `the DLQ holds ${n} dead letters`);
  const after = await usedMemory(b.redis);
  return figure("Redrive (processor harness)", n, await dlqParts(b, n), after - before);
}

async function pythonMemory(b: BenchServer, n: number, stack: string): Promise<MemoryFigure> {
  await b.flush();
  const { dlq } = keysOf(b.engine.ctx, QUEUE);
  const before = await usedMemory(b.redis);
  await loadDlq(b.redis, QUEUE, dlq, n, retentionSeconds(b.config), "python", { stack });
  const after = await usedMemory(b.redis);
  return figure("Python backend (entry + metadata hash)", n, await dlqParts(b, n), after - before);
}

async function bullmqMemory(b: BenchServer, n: number, stack: string): Promise<MemoryFigure> {
  await b.flush();
  const bull = loadBullMQ();
  const connection = bullConnection(b);
  const name = "bench-memory";
  const queue = new bull.Queue(name, { connection });
  await queue.waitUntilReady();
  const before = await usedMemory(b.redis);
  let bytes = 0;
  const job = (i: number) => {
    const data = payload(i, 3);
    bytes += payloadBytes(data);
    return { name: QUEUE, data };
  };
  await addFailedJobs(bull, queue, connection, n, job, FAIL_REASON, stack);
  await queue.close();
  await sleep(200);
  const after = await usedMemory(b.redis);
  const ids = Array.from({ length: SAMPLE }, (_, k) => 1 + Math.floor((k * n) / SAMPLE));
  const hashBytes = await meanUsage(
    b.redis,
    [...new Set(ids)].map((id) => `bull:${name}:${id}`),
  );
  const parts = {
    messageBytes: bytes / n,
    collectionBytes: (await memoryUsage(b.redis, `bull:${name}:failed`)) / n,
    hashBytes,
  };
  return figure("BullMQ (failed job)", n, parts, after - before);
}

export async function scenarioMemory(b: BenchServer, sz: Sizes): Promise<ScenarioResult> {
  const stack = stackTrace(STACK_BYTES);
  const n = sz.memory;
  const redrive = await redriveMemory(b, n, stack);
  const python = await pythonMemory(b, n, stack);
  const bullmq = await bullmqMemory(b, n, stack);
  const rows = [redrive, python, bullmq];
  printTable(
    `e) Redis memory per dead letter, ${n} failures with a ${STACK_BYTES}-byte stack trace each ` +
      `(parts: list or failed set per message + the message's hash, MEMORY USAGE; used_memory: growth over the fill)`,
    [
      "system",
      "message B",
      "list/set B per msg",
      "hash B",
      "parts B",
      "used_memory B per msg",
      "parts / BullMQ",
      "used_memory / BullMQ",
    ],
    rows.map((f) => [
      f.system,
      f.messageBytes,
      f.collectionBytes,
      f.hashBytes,
      f.partsBytes,
      f.usedMemoryDeltaBytes,
      f.partsBytes / bullmq.partsBytes,
      f.usedMemoryDeltaBytes / bullmq.usedMemoryDeltaBytes,
    ]),
  );
  return {
    targets: [
      target(
        "memory.vsBullmq",
        "e) memory per dead letter (2 KB stack): Redrive / BullMQ (parts)",
        redrive.partsBytes / bullmq.partsBytes,
        "<=",
        0.5,
        "×",
      ),
    ],
    results: {
      memoryPerDeadLetter: {
        stackBytes: STACK_BYTES,
        redrive,
        pythonWritten: python,
        bullmq,
        ratioVsBullmq: redrive.partsBytes / bullmq.partsBytes,
        ratioUsedMemoryVsBullmq: redrive.usedMemoryDeltaBytes / bullmq.usedMemoryDeltaBytes,
        pythonWrittenRatioVsBullmq: python.partsBytes / bullmq.partsBytes,
      },
    },
  };
}
