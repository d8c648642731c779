import { readTail } from "./batch";
import { keysOf, type EngineContext } from "./context";
import { failedAtOf, restorableInRedis } from "./message";
import { LARGE_MOVE_BYTES, moveItems, movesInOneCall, toItems, type TailItem } from "./tail";

/**
 * Requeue all's path for the oldest entries only the full JSON parser
 * restores (other producers' entries, the Python backend's among them):
 * windows of them are read, restored in Node.js and moved with moveTail, which
 * checks that the tail still holds exactly the entries read.
 *
 * Node.js (reading the reply, restoring) and Redis (reading, checking,
 * pushing) each spend about 7-8 µs an entry here, so a drain is fastest when
 * both work at once. Every step sends, in this order on one connection, the
 * move of the window restored during the step before, then the read of the
 * window after the next one; then it restores the next window (read during
 * the step before) while Redis runs both, and only then waits for the move.
 * Redis so runs each read after the move before it and before the move after
 * it, which is what the read's offset past the tail counts on. A window read
 * or restored ahead is used only when the moves before it moved all they
 * sent; moveTail's check of the tail guards the rest (a stale read makes a
 * move a no-op, never a wrong one).
 */

/** One step of a drain: how many moved, and the failure times of the oldest and newest of them. */
export interface Step {
  moved: number;
  ends: (number | null)[];
}

/** The oldest entries of a window that only the parser restores. */
interface Window {
  run: Buffer[];
  /** Every entry read was one (so the next step tries the parser again). */
  all: boolean;
}

/** A window restored ahead of its move, and the read of the window after it (sent, not awaited). */
export interface ParserAhead {
  items: TailItem[];
  all: boolean;
  read: Promise<Window> | null;
}

/** This step's count, the next step's, and the one's after it. */
export interface ParserSizes {
  n: number;
  next: number;
  after: number;
}

/** Whether requeueTail restores the entry: large ones move without a script (moveLarge). */
const restoredInRedis = (e: Buffer) => e.length <= LARGE_MOVE_BYTES && restorableInRedis(e);

async function readWindow(
  ctx: EngineContext,
  queue: string,
  skip: number,
  n: number,
): Promise<Window> {
  const window = await readTail(ctx, keysOf(ctx, queue).dlq, skip, n);
  let run = 0;
  while (run < window.length && !restoredInRedis(window[run]!)) run++;
  return { run: window.slice(0, run), all: run > 0 && run === window.length };
}

/** Sends the read of `n` tail entries past the `skip` oldest; none when there is nothing to read. */
function readAhead(ctx: EngineContext, queue: string, skip: number, n: number) {
  if (n <= 0) return null;
  const read = readWindow(ctx, queue, skip, n);
  // A read ahead that is dropped must not become an unhandled rejection.
  read.catch(() => undefined);
  return read;
}

/**
 * A window restored, with the read of the one after it sent first (it skips
 * this window's entries, which are still at the tail when it runs).
 */
function restored(
  ctx: EngineContext,
  queue: string,
  w: Window,
  n: number,
  next: number,
): ParserAhead {
  const run = w.run.slice(0, n);
  // More of them follow this part: the next step tries the parser again.
  const all = w.all || run.length < w.run.length;
  const read = all ? readAhead(ctx, queue, run.length, next) : null;
  return { items: toItems("requeue", run), all, read };
}

/** The next window restored, once its read is in; none when it failed (the next step reads again). */
async function prepare(
  ctx: EngineContext,
  queue: string,
  read: Promise<Window> | null,
  sizes: ParserSizes,
): Promise<ParserAhead | null> {
  const w = await read?.catch(() => null);
  return w ? restored(ctx, queue, w, sizes.next, sizes.after) : null;
}

/**
 * Requeues the run of oldest entries only the parser restores, up to
 * `sizes.n`, and prepares the next window while Redis moves them. `state`
 * carries the window prepared from one step to the next.
 */
export async function parserStep(
  ctx: EngineContext,
  queue: string,
  sizes: ParserSizes,
  state: { ahead: ParserAhead | null },
): Promise<Step & { all: boolean }> {
  const current =
    state.ahead ??
    restored(ctx, queue, await readWindow(ctx, queue, 0, sizes.n), sizes.n, sizes.next);
  state.ahead = null;
  const part = current.items;
  if (part.length === 0) return { moved: 0, ends: [], all: false };
  const moving = moveItems(ctx, queue, "requeue", part);
  // Should the move throw, the window prepared meanwhile is dropped with it.
  moving.catch(() => undefined);
  // Only once a move in several calls is over may the next read go out behind it.
  const sent = movesInOneCall(part) ? null : await moving;
  const ahead = await prepare(ctx, queue, current.read, sizes);
  const { moved, changed } = sent ?? (await moving);
  if (!changed && moved === part.length) state.ahead = ahead;
  const ends = moved > 0 ? [part[0]!, part[moved - 1]!].map((i) => failedAtOf(i.entry)) : [];
  return { moved, ends, all: current.all };
}
