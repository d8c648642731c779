import { keysOf, nowSeconds, type EngineContext } from "./context";
import { pipeScript } from "../redis/scripts";
import { parseTimestamp } from "./message";
import {
  EntryFields,
  entriesOf,
  entryFailedAt,
  entryMetadataKey,
  readRangeArgs,
  type ReadEntry,
} from "./read";
import { execAll } from "./pipeline";
import type { QueueStats } from "./types";

const PER_QUEUE = 7;

/** Every configured queue's figures in one round trip (one pipeline). */
export async function getStats(ctx: EngineContext): Promise<QueueStats[]> {
  const now = nowSeconds(ctx);
  const queues = ctx.config.QUEUES;
  const pipeline = ctx.redis.pipeline();
  for (const q of queues) {
    const k = keysOf(ctx, q);
    pipeline
      .llen(k.work)
      .llen(k.processing)
      .zcard(k.retry)
      .zcount(k.retry, "-inf", now)
      .zrange(k.retry, "0", "0", "WITHSCORES")
      .llen(k.dlq);
    // The oldest entry, cut when large: this runs on every poll of every viewer.
    pipeScript(pipeline, "readRange", [k.dlq], readRangeArgs(-1, 1), true);
  }
  const replies = await execAll(pipeline);
  const oldestTimes = await oldestFailedAt(
    ctx,
    queues.map((_, i) => entriesOf(replies[i * PER_QUEUE + 6], 0)[0] ?? null),
  );
  return queues.map((queue, i) => {
    const r = replies.slice(i * PER_QUEUE, (i + 1) * PER_QUEUE);
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
  const pipeline = ctx.redis.pipeline();
  for (const i of lookups) pipeline.hget(entryMetadataKey(oldest[i]!, fields[i]!), "failed_at");
  const values = (await execAll(pipeline)) as (string | null)[];
  lookups.forEach((i, k) => (times[i] = values[k] ? parseTimestamp(values[k]) : null));
  return times;
}
