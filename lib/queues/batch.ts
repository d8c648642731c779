import { runScript } from "../redis/scripts";
import type { EngineContext } from "./context";

export type { BatchReport } from "./context";

/**
 * How much one bulk call may handle: requeue all, delete all, a selection, an
 * error group, the retention purge, promotion of due retries and the recovery
 * of abandoned messages all go through calls of at most BATCH_BYTES of entries
 * (and at most BATCH_ENTRIES), in Node.js and in Lua.
 */

const MB = 1024 * 1024;

/**
 * Bytes one call reads or moves, counting what Node.js sends with it (an
 * entry to compare and its restored copy to push both count). Redis runs one
 * script at a time, and a script pays for every byte it copies into Lua and
 * back out: on a shared 2-core machine (Redis 7.0) a script reading and
 * pushing 1 MB of 8 KB entries took about 3 ms, 2 MB 5 ms, 4 MB 13 ms and
 * 8 MB 37 ms, and Redrive's moves (compare, splice, push) measured 3-4 ms a
 * call at 1 MB. 1 MB keeps a call on ordinary entries within 10 ms, and
 * Node.js holds about that much per step. A call always takes its first
 * entry, however large: an entry above the budget moves alone, in a call of
 * its own, and costs its copy.
 */
export const BATCH_BYTES = 1 * MB;

/**
 * Entries one call reads or moves at most: each is its own redis.call in the
 * script (a few microseconds, plus, for an index, a walk from the nearer end
 * of the list), so small entries are bounded by their number.
 */
export const BATCH_ENTRIES = 500;

export function reportBatch(
  ctx: EngineContext,
  op: string,
  entries: number,
  bytes: number,
  read = bytes,
): void {
  ctx.onBatch?.({ op, entries, bytes, read });
}

/**
 * Splits `items` (in order) into runs of at most BATCH_BYTES by `size` and at
 * most `maxEntries`; an item larger than the budget is a run of its own.
 */
export function byteChunks<T>(
  items: T[],
  size: (item: T) => number,
  maxEntries = BATCH_ENTRIES,
): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const n = size(item);
    if (current.length > 0 && (bytes + n > BATCH_BYTES || current.length >= maxEntries)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += n;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/**
 * The entries at `indices` (at most BATCH_ENTRIES), whole, until BATCH_BYTES are
 * read: a prefix of them, at least one; null for an index past either end.
 */
export async function readAt(
  ctx: EngineContext,
  key: string,
  indices: number[],
): Promise<(Buffer | null)[]> {
  if (indices.length === 0) return [];
  const reply = (await runScript(
    ctx.redis,
    "readAt",
    [key],
    [BATCH_BYTES, ...indices.slice(0, BATCH_ENTRIES)],
    true,
  )) as (Buffer | null)[];
  const bytes = reply.reduce((n, e) => n + (e?.length ?? 0), 0);
  reportBatch(ctx, "readAt", reply.filter((e) => e !== null).length, bytes);
  return reply;
}

/** Entries up to the first index past the end. */
function present(items: (Buffer | null)[]): Buffer[] {
  const end = items.indexOf(null);
  return (end < 0 ? items : items.slice(0, end)) as Buffer[];
}

/** Up to `count` (at most BATCH_ENTRIES) entries, the i-th at `indexAt(i)`, up to the first past the end. */
async function readRun(
  ctx: EngineContext,
  key: string,
  count: number,
  indexAt: (i: number) => number,
): Promise<Buffer[]> {
  const n = Math.max(0, Math.min(count, BATCH_ENTRIES));
  return present(
    await readAt(
      ctx,
      key,
      Array.from({ length: n }, (_, i) => indexAt(i)),
    ),
  );
}

/**
 * Up to `count` of a list's oldest entries (its tail), oldest first, after
 * skipping the `skip` oldest; fewer when the budget or the list ends first.
 */
export function readTail(
  ctx: EngineContext,
  key: string,
  skip: number,
  count: number,
): Promise<Buffer[]> {
  return readRun(ctx, key, count, (i) => -(skip + i + 1));
}

/** Up to `count` entries from index `start` toward the tail; fewer when the budget or the list ends first. */
export function readFrom(
  ctx: EngineContext,
  key: string,
  start: number,
  count: number,
): Promise<Buffer[]> {
  return readRun(ctx, key, count, (i) => start + i);
}

/**
 * Up to `count` (at most BATCH_ENTRIES) of a list's oldest entries, oldest
 * first, after skipping the `skip` oldest, within BATCH_BYTES: a walk of a
 * whole list from its tail (readOldest-1.lua seeks once a range, where
 * readTail's LINDEX seeks for every entry).
 */
export async function readOldest(
  ctx: EngineContext,
  key: string,
  skip: number,
  count: number,
): Promise<Buffer[]> {
  const n = Math.max(0, Math.min(count, BATCH_ENTRIES));
  if (n === 0) return [];
  const reply = (await runScript(
    ctx.redis,
    "readOldest",
    [key],
    [skip, n, BATCH_BYTES],
    true,
  )) as Buffer[];
  reportBatch(
    ctx,
    "readOldest",
    reply.length,
    reply.reduce((b, e) => b + e.length, 0),
  );
  return reply;
}
