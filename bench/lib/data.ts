import { randomUUID } from "node:crypto";
import type { RedisClient } from "../../lib/redis/client";
import { metadataFields, metadataKeyOf, toDlqEntry, type DlqStamp } from "../../lib/queues/message";
import { pythonDeadLetters } from "./python-entries";

/**
 * Benchmark data: realistic ~200-byte messages as the Python backend's document pipeline
 * writes them, loaded fast (pipelined, 1000 values per command) and never timed.
 */

/** The job payload every system under test carries (BullMQ's job data is the same object). */
export interface JobPayload {
  job_id: string;
  filename: string;
  gcs_path: string;
  user_id: number;
  retry_count: number;
}

export function payload(n: number, retryCount = 3): JobPayload {
  const jobId = randomUUID();
  const filename = `report-${n}.pdf`;
  return {
    job_id: jobId,
    filename,
    gcs_path: `gs://redrive-bench-uploads/uploads/2024/06/${jobId}/${filename}`,
    user_id: 100_000 + (n % 50_000),
    retry_count: retryCount,
  };
}

export function message(n: number, retryCount = 3): Buffer {
  return Buffer.from(JSON.stringify(payload(n, retryCount)));
}

/** Where the frames of a benchmark stack trace come from: a worker, its libraries, Node.js. */
const STACK_FILES = [
  "node_modules/@google-cloud/storage/build/src/file.js",
  "node_modules/gaxios/build/src/gaxios.js",
  "node_modules/retry-request/index.js",
  "app/backend/services/gcs.js",
  "app/backend/workers/document-worker.js",
  "node_modules/pdf-parse/lib/pdf.js/v1.10.100/build/pdf.worker.js",
  "node:internal/process/task_queues",
  "node_modules/p-limit/index.js",
];
const STACK_FUNCTIONS = [
  "File.download",
  "Gaxios._request",
  "retryRequest",
  "makeRequest",
  "fetchDocument",
  "DocumentWorker.process",
  "processTicksAndRejections",
  "run",
  "PDFDocument.parse",
  "Parser.getObj",
  "XRef.fetch",
  "async Promise.all",
];

/**
 * A stack trace of `bytes` bytes, as Node.js prints one (the message, then
 * "    at fn (file:line:col)" frames from varied files, functions and lines):
 * what a failure records, for the figures that depend on its size (memory
 * per dead letter, bytes moved per requeue). Varied because Redrive deflates
 * long stacks: frames repeating one file would compress far better than real ones.
 */
export function stackTrace(bytes: number, message = "GCS download timed out after 30 s"): string {
  let text = `TimeoutError: ${message}`;
  for (let i = 0; text.length < bytes; i++) {
    const fn = STACK_FUNCTIONS[(i * 7) % STACK_FUNCTIONS.length];
    const file = STACK_FILES[(i * 5) % STACK_FILES.length];
    text += `\n    at ${fn} (/srv/${file}:${((i * 37) % 900) + 10}:${((i * 13) % 60) + 1})`;
  }
  return text.slice(0, bytes);
}

/**
 * How Redrive's pushToDlq stamps a message (error, failed_at, original_queue),
 * with an error that has no stack, as a foreign producer's would; the metadata
 * hash beside it is the one pushToDlq writes.
 */
export function dlqStamp(queue: string, failedAt: Date): DlqStamp {
  return {
    error: { type: "TimeoutError", message: "GCS download timed out after 30 s" },
    retryCount: 3,
    failedAt,
    originalQueue: queue,
  };
}

/** Command arguments per call while loading. */
const CHUNK = 1000;
/** Chunks (one or two commands each) per pipeline round trip while loading. */
const CHUNKS_PER_TRIP = 16;

/** Calls `add` for chunks 0..count-1, CHUNKS_PER_TRIP chunks per round trip. */
async function pipelined(
  redis: RedisClient,
  count: number,
  add: (pipeline: ReturnType<RedisClient["pipeline"]>, i: number) => void,
): Promise<void> {
  for (let start = 0; start < count; start += CHUNKS_PER_TRIP) {
    const pipeline = redis.pipeline();
    for (let i = start; i < Math.min(count, start + CHUNKS_PER_TRIP); i++) add(pipeline, i);
    const results = (await pipeline.exec()) ?? [];
    for (const [err] of results) if (err) throw err;
  }
}

/** `n` due retries in `key`, due over the last hour (scores in epoch seconds, as the Python backend writes). */
export async function loadDueRetries(redis: RedisClient, key: string, n: number): Promise<number> {
  const now = Date.now() / 1000;
  let bytes = 0;
  await pipelined(redis, Math.ceil(n / CHUNK), (pipeline, c) => {
    const args: (string | number | Buffer)[] = [];
    for (let i = c * CHUNK; i < Math.min(n, (c + 1) * CHUNK); i++) {
      const member = message(i, 1);
      bytes += member.length;
      args.push(now - 3600 + (i * 3600) / n, member);
    }
    pipeline.zadd(key, ...args);
  });
  return bytes / n;
}

const LOAD_METADATA = `
local ttl = ARGV[1]
local nfields = tonumber(ARGV[2])
local i = 3
while i <= #ARGV do
  local key = ARGV[i]
  redis.call("HSET", key, unpack(ARGV, i + 1, i + nfields * 2))
  redis.call("EXPIRE", key, ttl)
  i = i + 1 + nfields * 2
end
return 0
`;

/**
 * Who wrote a DLQ's entries. "redrive": Redrive's pushToDlq (toDlqEntry, which
 * ends each entry with the redrive_undo trailer, and metadataFields beside it).
 * "python": the Python backend (bench/lib/python-entries.ts: its json.dumps, its
 * metadata hash): a foreign entry to Redrive, restored by the full parser.
 */
export type DlqWriter = "redrive" | "python";

/** One dead letter: the DLQ entry, its metadata hash's key and fields. */
interface DeadLetter {
  entry: Buffer;
  metadataKey: string;
  metadata: Record<string, string>;
}

export interface DeadLetterOptions {
  /** The failure's stack trace, in the entry (Redrive) and the metadata hash (both). */
  stack?: string;
  /** Seed of the Python shapes (key order, escapes, retry_count's place, inline error). */
  seed?: number;
}

/** A writer's dead letters, one index at a time (Python's shapes from one seeded sequence). */
export function deadLetters(
  writer: DlqWriter,
  queue: string,
  failedAt: Date,
  options: DeadLetterOptions = {},
): (n: number) => DeadLetter {
  if (writer === "python") {
    const next = pythonDeadLetters(options.seed);
    const shape = { stack: options.stack, originalQueue: `${queue}_queue`, failedAt };
    return (n) => next(n, shape);
  }
  const stamp = dlqStamp(queue, failedAt);
  if (options.stack !== undefined) stamp.error.stack = options.stack;
  return (n) => {
    const msg = message(n);
    const entry = toDlqEntry(msg, stamp);
    return {
      entry,
      metadataKey: metadataKeyOf(entry),
      metadata: metadataFields(msg, stamp, entry),
    };
  };
}

export function dlqEntry(writer: DlqWriter, n: number, queue: string, failedAt: Date): Buffer {
  return deadLetters(writer, queue, failedAt, { seed: n + 1 })(n).entry;
}

/**
 * A DLQ of `n` entries (newest at index 0), each with the metadata hash its
 * writer gives it, EXPIRE = retention. Returns the mean entry size in bytes.
 */
export async function loadDlq(
  redis: RedisClient,
  queue: string,
  dlqKey: string,
  n: number,
  retentionSeconds: number,
  writer: DlqWriter = "redrive",
  options: DeadLetterOptions = {},
): Promise<number> {
  const next = deadLetters(writer, queue, new Date(), options);
  let bytes = 0;
  await pipelined(redis, Math.ceil(n / CHUNK), (pipeline, c) => {
    const entries: Buffer[] = [];
    const meta: (string | Buffer)[] = [String(retentionSeconds), ""];
    for (let i = c * CHUNK; i < Math.min(n, (c + 1) * CHUNK); i++) {
      const d = next(i);
      bytes += d.entry.length;
      entries.push(d.entry);
      const names = Object.keys(d.metadata);
      if (meta[1] === "") meta[1] = String(names.length);
      if (String(names.length) !== meta[1]) throw new Error("metadata field count varies");
      meta.push(d.metadataKey, ...names.flatMap((k) => [k, d.metadata[k]!]));
    }
    pipeline.lpush(dlqKey, ...entries);
    pipeline.eval(LOAD_METADATA, 0, ...meta);
  });
  return bytes / n;
}

/** A message's size as BullMQ stores its data (JSON of the same object). */
export function payloadBytes(p: JobPayload): number {
  return Buffer.byteLength(JSON.stringify(p));
}
