import { randomUUID } from "node:crypto";
import type Redis from "ioredis";
import { transientFailure } from "../../demo/failures";
import { makePayload } from "../../demo/payloads";
import { keysOf } from "../../lib/queues/context";
import { QueueEngine } from "../../lib/queues/engine";
import { metadataFields, metadataKeyOf, toErrorInfo } from "../../lib/queues/message";
import { retentionSeconds } from "../../lib/queues/producer";
import type { Config } from "../../lib/config";

/**
 * Large DLQs, fast: a few dozen entries are written by QueueEngine.pushToDlq
 * itself (realistic payloads and errors from the demo's simulator), then
 * copied with a fresh job_id and failed_at into the rest. Both are fixed-width
 * (a UUID, an ISO 8601 timestamp), so every byte offset recorded in an entry's
 * redrive_undo trailer stays right and a copy is an entry pushToDlq could have
 * written. Entries fail evenly over `spanSeconds`, oldest at the tail.
 *
 * Metadata hashes: only the templates and the copies in the chunks that hold
 * the newest META_NEWEST have one (what a DLQ page shows first); 4 × 1 000 000 hashes would double the
 * memory and the fill time and are read by no page but the one showing them.
 */
const TEMPLATES = 48;
const CHUNK = 1000;
/** Chunks per pipeline round trip. */
const CHUNKS_PER_TRIP = 8;
const META_NEWEST = 200;

interface Template {
  entry: Buffer;
  jobAt: number;
  failedAt: number;
  error: ReturnType<typeof toErrorInfo>;
}

/** Byte offset of a field's string value in an entry (after `"name":"`). */
function valueOffset(entry: Buffer, jsonKey: string, value: string): number {
  const at = entry.indexOf(`"${jsonKey}":${JSON.stringify(value)}`);
  if (at < 0) throw new Error(`template entry has no ${jsonKey} ${value}`);
  return at + jsonKey.length + 4;
}

/** Writes TEMPLATES entries with pushToDlq, dated `start`, and returns them with their offsets. */
async function writeTemplates(
  redis: Redis,
  config: Config,
  queue: string,
  start: number,
): Promise<Template[]> {
  const engine = new QueueEngine(redis, config, () => start);
  const dlq = keysOf(engine.ctx, queue).dlq;
  const failedAt = new Date(start * 1000).toISOString();
  const out: Template[] = [];
  for (let i = 0; i < TEMPLATES; i++) {
    const payload = makePayload(queue);
    const error = transientFailure(queue).make();
    // Without its stack trace an entry is ~500 bytes, the size the benchmark is specified with.
    delete error.stack;
    await engine.pushToDlq(queue, payload, error, 3);
    const entry = (await redis.lindexBuffer(dlq, 0))!;
    out.push({
      entry,
      jobAt: valueOffset(entry, "job_id", payload.job_id),
      failedAt: valueOffset(entry, "failed_at", failedAt),
      error: toErrorInfo(error),
    });
  }
  return out;
}

/** Chunk `c` of the copies: one buffer, sliced into entries (fewer allocations than one each). */
function copies(templates: Template[], from: number, to: number, failedAtOf: (i: number) => Date) {
  const entries: Buffer[] = [];
  const size = (i: number) => templates[i % templates.length]!.entry.length;
  let total = 0;
  for (let i = from; i < to; i++) total += size(i);
  const block = Buffer.allocUnsafe(total);
  let off = 0;
  for (let i = from; i < to; i++) {
    const t = templates[i % templates.length]!;
    t.entry.copy(block, off);
    block.write(randomUUID(), off + t.jobAt, "latin1");
    block.write(failedAtOf(i).toISOString(), off + t.failedAt, "latin1");
    entries.push(block.subarray(off, off + t.entry.length));
    off += t.entry.length;
  }
  return entries;
}

export interface FillResult {
  entries: number;
  bytesPerEntry: number;
}

/**
 * Fills `queue`'s DLQ with `n` entries (it should be empty) failed over the
 * last `spanSeconds`; the newest META_NEWEST get their metadata hash.
 */
export async function fillDlq(
  redis: Redis,
  config: Config,
  queue: string,
  n: number,
  spanSeconds = 3600,
): Promise<FillResult> {
  const now = Date.now() / 1000;
  const start = now - spanSeconds;
  const templates = await writeTemplates(redis, config, queue, start);
  const dlq = keysOf({ redis, config }, queue).dlq;
  const rest = Math.max(0, n - templates.length);
  const failedAtOf = (i: number) => new Date((start + ((i + 1) / rest) * spanSeconds) * 1000);
  let bytes = templates.reduce((sum, t) => sum + t.entry.length, 0);
  for (let c = 0; c < rest; c += CHUNK * CHUNKS_PER_TRIP) {
    const pipeline = redis.pipeline();
    for (let from = c; from < Math.min(rest, c + CHUNK * CHUNKS_PER_TRIP); from += CHUNK) {
      const entries = copies(templates, from, Math.min(rest, from + CHUNK), failedAtOf);
      bytes += entries.reduce((sum, e) => sum + e.length, 0);
      pipeline.lpush(dlq, ...entries);
      if (from + CHUNK > rest - META_NEWEST) {
        addMetadata(
          pipeline,
          config,
          queue,
          entries,
          (i) => templates[(from + i) % templates.length]!,
        );
      }
    }
    const results = (await pipeline.exec()) ?? [];
    for (const [err] of results) if (err) throw err;
  }
  return { entries: templates.length + rest, bytesPerEntry: bytes / (templates.length + rest) };
}

/** The metadata hash pushToDlq writes beside each entry (HSET + EXPIRE). */
function addMetadata(
  pipeline: ReturnType<Redis["pipeline"]>,
  config: Config,
  queue: string,
  entries: Buffer[],
  templateOf: (i: number) => Template,
): void {
  entries.forEach((entry, i) => {
    const failedAt = /"failed_at":"([^"]{24})"/.exec(entry.toString("latin1"))?.[1];
    const stamp = {
      error: templateOf(i).error,
      retryCount: 3,
      failedAt: new Date(failedAt ?? Date.now()),
      originalQueue: queue,
    };
    const key = metadataKeyOf(entry);
    pipeline.hset(key, metadataFields(entry, stamp, entry)).expire(key, retentionSeconds(config));
  });
}
