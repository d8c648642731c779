import { duplicateClient, type RedisClient } from "../redis/client";
import { runScript } from "../redis/scripts";
import { BATCH_BYTES, byteChunks, reportBatch } from "./batch";
import { keysOf, type EngineContext } from "./context";
import { checkLuaReply, LuaCode } from "./errors";
import { forRequeue } from "./message";
import type { MoveMode } from "./dlq-move";

/**
 * Moves of the oldest entries of a DLQ (its tail) that Node.js read: the runs
 * of foreign entries of requeue all (drain.ts) and the retention purge
 * (purge.ts). Every call reads and moves at most BATCH_BYTES of entries (an
 * entry larger than that alone) and says how far it got; the loops here call
 * again. A moveTail call first checks that the tail still holds exactly the
 * entries read, so a concurrent change (a single requeue, another purge)
 * makes the call a no-op, never a wrong move.
 */

export interface Moved {
  moved: number;
  changed: boolean;
}

/** An entry of the tail and, when requeueing, what goes back to the work queue for it. */
export interface TailItem {
  entry: Buffer;
  push: Buffer | null;
}

/** Arguments of one moveTail call for `items`, the list's oldest, oldest first. */
function moveTailArgs(mode: MoveMode, items: TailItem[]): (string | number | Buffer)[] {
  const entries = items.map((i) => i.entry);
  // Oldest first, so LPUSH leaves the oldest nearest the consumers.
  const pushes = mode === "requeue" ? items.map((i) => i.push!) : [];
  const sizes = [...entries, ...pushes].map((b) => b.length);
  const args = [mode, BATCH_BYTES, msgpackSizes(sizes), Buffer.concat(entries)];
  return mode === "requeue" ? [...args, Buffer.concat(pushes)] : args;
}

/** A MessagePack array of unsigned 32-bit integers (array 32, then uint 32 each). */
function msgpackSizes(sizes: number[]): Buffer {
  const out = Buffer.allocUnsafe(5 + 5 * sizes.length);
  out[0] = 0xdd;
  out.writeUInt32BE(sizes.length, 1);
  sizes.forEach((n, i) => {
    out[5 + 5 * i] = 0xce;
    out.writeUInt32BE(n, 6 + 5 * i);
  });
  return out;
}

const sizeOf = (i: TailItem) => i.entry.length + (i.push?.length ?? 0);
const bytesOf = (items: TailItem[]) => items.reduce((b, i) => b + i.entry.length, 0);

export function toItems(mode: MoveMode, entries: Buffer[]): TailItem[] {
  return entries.map((entry) => ({ entry, push: mode === "requeue" ? forRequeue(entry) : null }));
}

/**
 * Moves `entries` (the list's oldest, oldest first) with one moveTail call
 * per BATCH_BYTES of them and what is pushed for them, one at a time so that
 * other clients wait at most one call. Stops at the first CHANGED reply
 * (nothing moved for that call).
 */
export function moveOldest(
  ctx: EngineContext,
  queue: string,
  mode: MoveMode,
  entries: Buffer[],
): Promise<Moved> {
  return moveItems(ctx, queue, mode, toItems(mode, entries));
}

/**
 * An oldest entry larger than LARGE_MOVE_BYTES moves without a script: moveTail
 * copies it into Lua to compare it, and its restored copy again to push it
 * (about 900 ms of Redis for 50 MB on this project's 2-core machine), where
 * LPOS compares it in place (about 9 ms) and LPUSH copies it once (45 ms, as
 * any producer's LPUSH of it does). WATCH makes the check and the move one:
 * EXEC does nothing when the DLQ changed in between (a new failure at its
 * head, say), and the check runs again; after a few tries, moveTail takes it.
 * The connection is its own (WATCH holds for a connection, and the shared one
 * carries other callers' commands, another MULTI among them). Up to
 * LARGE_MOVE_BYTES, moveTail's copies stay within a few milliseconds.
 */
export const LARGE_MOVE_BYTES = 2 * BATCH_BYTES;

async function moveLarge(
  ctx: EngineContext,
  conn: RedisClient,
  queue: string,
  mode: MoveMode,
  item: TailItem,
): Promise<Moved | null> {
  const { dlq, work } = keysOf(ctx, queue);
  for (let attempt = 0; attempt < 5; attempt++) {
    await conn.watch(dlq);
    if ((await conn.lpos(dlq, item.entry, "RANK", -1, "MAXLEN", 1)) === null) {
      await conn.unwatch();
      return { moved: 0, changed: true };
    }
    if (await moveWatched(conn, dlq, work, mode, item)) {
      reportBatch(ctx, "moveLarge", 1, sizeOf(item), item.entry.length);
      return { moved: 1, changed: false };
    }
  }
  return null;
}

/**
 * The MULTI of moveLarge: false when WATCH saw a change (nothing ran). A
 * refusal when queued (OOM, READONLY) aborts it whole and is thrown as
 * itself; should the push fail when run (the work key of another type), the
 * entry held here goes back to the DLQ's tail, where it was.
 */
async function moveWatched(
  conn: RedisClient,
  dlq: string,
  work: string,
  mode: MoveMode,
  item: TailItem,
): Promise<boolean> {
  const tx = conn.multi().ltrim(dlq, 0, -2);
  if (mode === "requeue") tx.lpush(work, item.push!);
  const replies = await tx.exec().catch((e: { previousErrors?: Error[] }) => {
    throw e.previousErrors?.[0] ?? e;
  });
  if (replies === null) return false;
  const failed = replies.find(([error]) => error)?.[0];
  if (failed) {
    await conn.rpush(dlq, item.entry);
    throw failed;
  }
  return true;
}

/** A connection of its own for moveLarge, made when first needed, closed by `close`. */
function ownConnection(ctx: EngineContext): { get(): RedisClient; close(): void } {
  let conn: RedisClient | null = null;
  return {
    get() {
      // Its commands wait for it to connect, whatever the shared one's options (the dashboard's refuses to queue).
      conn ??= duplicateClient(ctx.redis, { enableOfflineQueue: true }).on(
        "error",
        () => undefined,
      );
      return conn;
    },
    close: () => conn?.disconnect(),
  };
}

export async function moveItems(
  ctx: EngineContext,
  queue: string,
  mode: MoveMode,
  items: TailItem[],
): Promise<Moved> {
  const own = ownConnection(ctx);
  try {
    return await moveChunks(ctx, own.get, queue, mode, items);
  } finally {
    own.close();
  }
}

/**
 * Whether moveItems sends `items` as one moveTail call on the shared
 * connection (moveChunks' own rule: one byte chunk, no entry for moveLarge),
 * so that a command sent after it runs after all of it.
 */
export function movesInOneCall(items: TailItem[]): boolean {
  return (
    byteChunks(items, sizeOf).length <= 1 && items.every((i) => i.entry.length <= LARGE_MOVE_BYTES)
  );
}

async function moveChunks(
  ctx: EngineContext,
  conn: () => RedisClient,
  queue: string,
  mode: MoveMode,
  items: TailItem[],
): Promise<Moved> {
  const { dlq, work } = keysOf(ctx, queue);
  let moved = 0;
  for (const chunk of byteChunks(items, sizeOf)) {
    const large = chunk.length === 1 && chunk[0]!.entry.length > LARGE_MOVE_BYTES;
    const alone = large ? await moveLarge(ctx, conn(), queue, mode, chunk[0]!) : null;
    if (alone) {
      moved += alone.moved;
      if (alone.changed) return { moved, changed: true };
      continue;
    }
    // The script applies the same budget, so it takes the whole chunk unless the rules drift apart.
    for (let done = 0; done < chunk.length;) {
      const part = chunk.slice(done);
      const reply = await runScript(ctx.redis, "moveTail", [dlq, work], moveTailArgs(mode, part));
      if (Number(reply) === LuaCode.CHANGED) return { moved, changed: true };
      const n = checkLuaReply(reply, "moveTail");
      const sent = part.reduce((b, i) => b + sizeOf(i), 0);
      reportBatch(ctx, "moveTail", n, sent, bytesOf(part.slice(0, n)));
      if (n === 0) return { moved, changed: true };
      done += n;
      moved += n;
    }
  }
  return { moved, changed: false };
}
