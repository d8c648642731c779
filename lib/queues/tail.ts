import type Redis from "ioredis";
import { runScript } from "../redis/scripts";
import { BATCH_BYTES, byteChunks, readTail, reportBatch } from "./batch";
import { countResolved } from "./counters";
import { keysOf, nowSeconds, sleep, type EngineContext } from "./context";
import { checkLuaReply, LuaCode } from "./errors";
import { failedAtOf, forRequeue, parseTimestamp, restorableInRedis } from "./message";
import type { MoveMode } from "./dlq-move";

/**
 * Operations on the oldest end of a DLQ (its tail): requeue all and delete all
 * (the retention purge, purge.ts, deletes with moveOldest too). Every call
 * reads and moves at most BATCH_BYTES of entries (an entry larger than that
 * alone) and says how far it got; the loops here call again. A moveTail call
 * first checks that the tail still holds exactly the entries read, so a
 * concurrent change (a single requeue, another purge) makes the call a no-op,
 * never a wrong move.
 */

export interface Moved {
  moved: number;
  changed: boolean;
}

/** An entry of the tail and, when requeueing, what goes back to the work queue for it. */
interface TailItem {
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

function toItems(mode: MoveMode, entries: Buffer[]): TailItem[] {
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
  conn: Redis,
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
  conn: Redis,
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
function ownConnection(ctx: EngineContext): { get(): Redis; close(): void } {
  let conn: Redis | null = null;
  return {
    get() {
      if (!conn) {
        // Its commands wait for it to connect, whatever the shared one's options (the dashboard's refuses to queue).
        conn = ctx.redis.duplicate({ enableOfflineQueue: true });
        conn.on("error", () => undefined);
      }
      return conn;
    },
    close: () => conn?.disconnect(),
  };
}

async function moveItems(
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

async function moveChunks(
  ctx: EngineContext,
  conn: () => Redis,
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

export interface DrainOptions {
  /** Stop after this many (defaults to the DLQ's length when the drain starts). */
  limit?: number;
  /** Messages per second; unlimited when absent. */
  ratePerSecond?: number;
  signal?: AbortSignal;
  onProgress?: (moved: number, total: number) => void;
}

export interface DrainResult {
  moved: number;
  total: number;
  cancelled: boolean;
}

/** One step of a drain: how many moved, and the failure times of the oldest and newest of them. */
interface Step {
  moved: number;
  ends: (number | null)[];
}

type EndsReply = [number, ...unknown[]];

function endTimes(values: unknown[]): (number | null)[] {
  return values.map((v) => (typeof v === "string" ? parseTimestamp(v) : null));
}

/** Deletes up to `n` of the oldest entries inside Redis (no bytes cross the network). */
async function trimStep(ctx: EngineContext, queue: string, n: number): Promise<Step> {
  const { dlq } = keysOf(ctx, queue);
  const [moved, bytes, read, ...ends] = (await runScript(
    ctx.redis,
    "trimTail",
    [dlq],
    [n, BATCH_BYTES],
  )) as EndsReply;
  reportBatch(ctx, "trimTail", moved, Number(bytes), Number(read));
  return { moved, ends: endTimes(ends) };
}

/** Requeues up to `n` of the oldest entries Redrive wrote inside Redis; `stopped` at an entry it leaves. */
async function requeueStep(
  ctx: EngineContext,
  queue: string,
  n: number,
): Promise<Step & { stopped: boolean }> {
  const { dlq, work } = keysOf(ctx, queue);
  const [moved, stopped, bytes, read, ...ends] = (await runScript(
    ctx.redis,
    "requeueTail",
    [dlq, work],
    [n, BATCH_BYTES, LARGE_MOVE_BYTES],
  )) as EndsReply;
  reportBatch(ctx, "requeueTail", moved, Number(bytes), Number(read));
  return { moved, stopped: stopped === 1, ends: endTimes(ends) };
}

/** The run of oldest entries only the full parser restores, with what is pushed for them. */
interface ForeignRun {
  items: TailItem[];
  /** Every entry read was one (so the next step tries the parser again). */
  all: boolean;
}

/** Reads up to `n` tail entries past the `skip` oldest and restores the run of foreign ones. */
async function readForeignRun(
  ctx: EngineContext,
  queue: string,
  skip: number,
  n: number,
): Promise<ForeignRun> {
  const window = await readTail(ctx, keysOf(ctx, queue).dlq, skip, n);
  let run = 0;
  while (run < window.length && !restoredInRedis(window[run]!)) run++;
  return { items: toItems("requeue", window.slice(0, run)), all: run > 0 && run === window.length };
}

/** Whether requeueTail restores the entry: large ones move without a script (moveLarge). */
const restoredInRedis = (e: Buffer) => e.length <= LARGE_MOVE_BYTES && restorableInRedis(e);

/** What a drain carries from one step to the next. */
interface DrainState {
  /** The tail holds entries only the parser restores: requeueTail is not tried in vain. */
  parser: boolean;
  /** The window after the one being moved, read (and restored) while Redis moved it. */
  ahead: Promise<ForeignRun> | null;
}

/**
 * Requeues the run of oldest entries that only the full parser restores, up
 * to `n`, and asks for the next `next` entries before moving them. Both go
 * to Redis back to back on one connection, the read first (it reads past the
 * entries about to move), so the next window is restored in Node.js while
 * Redis moves this one, instead of each side waiting for the other. The
 * window read ahead is used only when this step moved all it sent; moveTail's
 * check of the tail guards the rest.
 */
async function parserStep(
  ctx: EngineContext,
  queue: string,
  n: number,
  next: number,
  state: DrainState,
): Promise<Step & { all: boolean }> {
  const run = await (state.ahead ?? readForeignRun(ctx, queue, 0, n));
  state.ahead = null;
  const part = run.items.slice(0, n);
  if (part.length === 0) return { moved: 0, ends: [], all: false };
  const all = run.all || part.length < run.items.length;
  const ahead = all && next > 0 ? readForeignRun(ctx, queue, part.length, next) : null;
  // A read ahead that is dropped must not become an unhandled rejection.
  ahead?.catch(() => undefined);
  const { moved, changed } = await moveItems(ctx, queue, "requeue", part);
  if (!changed && moved === part.length) state.ahead = ahead;
  const ends = moved > 0 ? [part[0]!, part[moved - 1]!].map((i) => failedAtOf(i.entry)) : [];
  return { moved, ends, all };
}

/**
 * One step of a drain: up to `n` of the oldest entries. Deleting, and
 * requeueing entries Redrive wrote, happen inside Redis (trimTail,
 * requeueTail). A run of entries only the full parser can restore is read and
 * moved with moveTail; while the tail holds such entries, `parser` stays on so
 * that requeueTail is not tried in vain.
 */
async function drainStep(
  ctx: EngineContext,
  queue: string,
  mode: MoveMode,
  sizes: { n: number; next: number },
  state: DrainState,
): Promise<Step> {
  const { n, next } = sizes;
  if (mode === "delete") return trimStep(ctx, queue, n);
  if (!state.parser) {
    const step = await requeueStep(ctx, queue, n);
    state.parser = step.stopped;
    if (step.moved > 0 || !state.parser) return step;
  }
  const step = await parserStep(ctx, queue, n, next, state);
  state.parser = step.all;
  return step;
}

/**
 * Counts a step's entries as resolved, their mean time in the DLQ estimated
 * from the two ends of the step (entries arrive in failure order). Not
 * counted when neither end is dated.
 */
async function countStep(ctx: EngineContext, queue: string, step: Step): Promise<void> {
  const times = step.ends.filter((t): t is number => t !== null);
  if (step.moved === 0 || times.length === 0) return;
  const wait = nowSeconds(ctx) - times.reduce((a, b) => a + b, 0) / times.length;
  await countResolved(ctx, queue, step.moved, step.moved * wait).catch(() => undefined);
}

/** Entries per script call in drains: other clients wait at most one call. */
const DRAIN_STEP = 500;

/**
 * Requeue all / delete all: moves the DLQ's entries from the oldest, as many as
 * it held when the drain started, so messages that fail again while it runs
 * are not drained a second time. At most one script call moves entries at a
 * time (for foreign entries, the read of the next window goes with it).
 */
export async function drainDlq(
  ctx: EngineContext,
  queue: string,
  mode: MoveMode,
  options: DrainOptions = {},
): Promise<DrainResult> {
  const { dlq } = keysOf(ctx, queue);
  const total = options.limit ?? (await ctx.redis.llen(dlq));
  const rate = options.ratePerSecond;
  const step = rate ? Math.max(1, Math.min(DRAIN_STEP, Math.floor(rate))) : DRAIN_STEP;
  const started = Date.now();
  const state: DrainState = { parser: false, ahead: null };
  let moved = 0;
  let stalls = 0;
  while (moved < total && !options.signal?.aborted && stalls < 10) {
    const n = Math.min(total - moved, step);
    const sizes = { n, next: Math.min(total - moved - n, step) };
    const done = await drainStep(ctx, queue, mode, sizes, state);
    await countStep(ctx, queue, done);
    moved += done.moved;
    stalls = done.moved === 0 ? stalls + 1 : 0;
    if (done.moved === 0 && (await ctx.redis.llen(dlq)) === 0) break;
    options.onProgress?.(moved, total);
    if (rate) await sleep(started + (moved / rate) * 1000 - Date.now(), options.signal);
  }
  return { moved, total, cancelled: options.signal?.aborted ?? false };
}
