import { keysOf, nowSeconds, type EngineContext } from "./context";
import { pipeScript } from "../redis/scripts";
import { parseTimestamp } from "./message";
import {
  EntryFields,
  entriesOf,
  entryFailedAt,
  entryMetadataKey,
  readCost,
  readRange,
  readRangeArgs,
  type ReadEntry,
} from "./read";
import { execBySlot, execEachKey } from "../redis/pipeline";
import type { ChainableCommander } from "ioredis";
import type { QueueStats } from "./types";

/**
 * A DLQ's oldest entry is read on every poll of every viewer (the overview,
 * the metrics), cut when large; but cutting costs Redis a copy of the whole
 * entry, several milliseconds per megabyte inside a script. When the oldest
 * entry was large, its failure time is kept for OLDEST_KEEP_MS and the entry
 * is read again sooner only when the DLQ got shorter (its tail may have gone:
 * a requeue, a purge). An entry that stays the oldest while others come and
 * go at the same pace is shown with a failure time at most that old.
 */
export const LARGE_OLDEST_BYTES = 1024 * 1024;
const OLDEST_KEEP_MS = 30_000;

interface OldestMemo {
  at: number;
  length: number;
  failedAt: number | null;
}

/** Per connection (per Redis), per DLQ key. */
const largeOldest = new WeakMap<object, Map<string, OldestMemo>>();

function memosOf(ctx: EngineContext): Map<string, OldestMemo> {
  let memos = largeOldest.get(ctx.redis);
  if (!memos) largeOldest.set(ctx.redis, (memos = new Map()));
  return memos;
}

const PER_QUEUE = 6;

/** Every configured queue's figures in one round trip (one pipeline; two when an oldest entry is re-read). */
export async function getStats(ctx: EngineContext): Promise<QueueStats[]> {
  const now = nowSeconds(ctx);
  const queues = ctx.config.QUEUES;
  const memos = memosOf(ctx);
  const kept = queues.map((q) => {
    const m = memos.get(keysOf(ctx, q).dlq);
    return m && Date.now() - m.at < OLDEST_KEEP_MS ? m : null;
  });
  const batches = queues.map((q, i) => {
    const k = keysOf(ctx, q);
    const add = (pipeline: ChainableCommander) => {
      pipeline
        .llen(k.work)
        .llen(k.processing)
        .zcard(k.retry)
        .zcount(k.retry, "-inf", now)
        .zrange(k.retry, "0", "0", "WITHSCORES")
        .llen(k.dlq);
      if (!kept[i]) pipeScript(pipeline, "readRange", [k.dlq], readRangeArgs(-1, 1), true);
    };
    return { key: k.dlq, add };
  });
  // The overview stays live: its oldest-entry reads are bounded by the memo, not by a kept answer.
  const replies = await readCost.exit(() => execBySlot(ctx.redis, batches));
  const figures = replies.map((r) => r.slice(0, PER_QUEUE));
  const oldest = replies.map((r, i) =>
    kept[i] ? undefined : (readCost.exit(() => entriesOf(r[PER_QUEUE], 0))[0] ?? null),
  );
  const oldestTimes = await oldestTimesOf(ctx, queues, kept, figures, oldest);
  return queues.map((queue, i) => {
    const r = figures[i]!;
    const next = r[4] as string[];
    const oldestAt = oldestTimes[i] ?? null;
    return {
      queue,
      work: Number(r[0]),
      processing: Number(r[1]),
      retry: Number(r[2]),
      retryDue: Number(r[3]),
      nextRetryAt: next.length === 2 ? Number(next[1]) : null,
      dlq: Number(r[5]),
      oldestDlqAt: oldestAt,
      oldestDlqAgeSeconds: oldestAt === null ? null : Math.max(0, now - oldestAt),
    };
  });
}

/**
 * The failure time of each DLQ's oldest entry: read now (`oldest[i]`), or
 * kept from an earlier read of a large one, unless the DLQ got shorter since,
 * when it is read again. Large ones read are kept; others forgotten.
 */
async function oldestTimesOf(
  ctx: EngineContext,
  queues: string[],
  kept: (OldestMemo | null)[],
  figures: unknown[][],
  oldest: (ReadEntry | null | undefined)[],
): Promise<(number | null)[]> {
  const memos = memosOf(ctx);
  const lengths = figures.map((r) => Number(r[5]));
  for (let i = 0; i < queues.length; i++) {
    const memo = kept[i];
    if (!memo) continue;
    if (lengths[i]! < memo.length) {
      const dlq = keysOf(ctx, queues[i]!).dlq;
      const { entries } = await readCost.exit(() => readRange(ctx.redis, dlq, -1, 1));
      oldest[i] = entries[0] ?? null;
    } else memo.length = lengths[i]!;
  }
  const read = oldest.map((e) => e ?? null);
  const times = await oldestFailedAt(ctx, read);
  oldest.forEach((e, i) => {
    const dlq = keysOf(ctx, queues[i]!).dlq;
    if (e === undefined) times[i] = kept[i]!.failedAt;
    else if (e && e.bytes >= LARGE_OLDEST_BYTES) {
      memos.set(dlq, { at: Date.now(), length: lengths[i]!, failedAt: times[i] ?? null });
    } else memos.delete(dlq);
  });
  return times;
}

/**
 * When each DLQ's oldest entry failed: from the entry, else (an entry another
 * producer wrote, with its error in the metadata hash) from the hash's
 * failed_at, as the DLQ views and the retention purge read it. The second
 * round trip happens only for such entries.
 */
async function oldestFailedAt(
  ctx: EngineContext,
  oldest: (ReadEntry | null)[],
): Promise<(number | null)[]> {
  const fields = oldest.map((e) => (e ? new EntryFields(e) : null));
  const times = fields.map((f) => (f ? entryFailedAt(f) : null));
  const lookups = oldest.flatMap((e, i) => (e && times[i] === null ? [i] : []));
  if (lookups.length === 0) return times;
  const keys = lookups.map((i) => entryMetadataKey(oldest[i]!, fields[i]!));
  const values = (await execEachKey(ctx.redis, keys, (p, key) => p.hget(key, "failed_at"))) as (
    string | null
  )[];
  lookups.forEach((i, k) => (times[i] = values[k] ? parseTimestamp(values[k]) : null));
  return times;
}
