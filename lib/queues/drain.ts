import { runScript } from "../redis/scripts";
import { BATCH_BYTES, reportBatch } from "./batch";
import { countResolved } from "./counters";
import { keysOf, nowSeconds, sleep, type EngineContext } from "./context";
import { parseTimestamp } from "./message";
import type { MoveMode } from "./dlq-move";
import { parserStep, type ParserAhead, type Step } from "./drain-parser";
import { LARGE_MOVE_BYTES } from "./tail";

/**
 * Requeue all and delete all: the DLQ is moved from its oldest end in steps
 * of at most DRAIN_STEP entries and BATCH_BYTES. Deleting, and requeueing
 * entries Redrive wrote, run inside Redis (trimTail, requeueTail); a run of
 * entries only the full JSON parser restores is read, restored in Node.js and
 * moved with moveTail (drain-parser.ts), which checks the tail first.
 */

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
async function requeueStep(ctx: EngineContext, queue: string, n: number): Promise<InRedisStep> {
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

/** What a drain carries from one step to the next. */
interface DrainState {
  /** The tail holds entries only the parser restores: requeueTail is not tried in vain. */
  parser: boolean;
  /** The next window of entries only the parser restores, restored while Redis moved the one before it. */
  ahead: ParserAhead | null;
  /** Whether a requeueTail call may be sent before the one before it has answered. */
  pipelined: boolean;
  /** The requeueTail call sent behind the one being awaited, and how many it asked for. */
  queued: { n: number; reply: Promise<InRedisStep> } | null;
}

type InRedisStep = Step & { stopped: boolean };

/**
 * The requeueTail call for this step, with the next one sent behind it
 * before this one answers: Redis runs the queued call as soon as this one
 * ends instead of idling for a round trip and a counter write (about a seventh
 * of a drain's time on entries Redrive wrote, measured). Both are atomic and
 * read the tail as they find it, so the queued one moves what the first left
 * or, past an entry it leaves, nothing; this one's stop also settles it.
 */
async function inRedisStep(
  ctx: EngineContext,
  queue: string,
  sizes: { n: number; next: number },
  state: DrainState,
): Promise<InRedisStep> {
  const current = state.queued?.reply ?? requeueStep(ctx, queue, sizes.n);
  const next = state.pipelined && sizes.next > 0 ? sizes.next : 0;
  state.queued = next > 0 ? { n: next, reply: requeueStep(ctx, queue, next) } : null;
  // Should this step throw, the queued one must not become an unhandled rejection.
  state.queued?.reply.catch(() => undefined);
  const step = await current;
  if (!step.stopped) return step;
  const after = await settleQueued(state);
  return { moved: step.moved + after.moved, ends: [...step.ends, ...after.ends], stopped: true };
}

/** Waits for the queued requeueTail call, if one was sent, and forgets it. */
async function settleQueued(state: DrainState): Promise<Step> {
  const queued = state.queued;
  state.queued = null;
  return queued ? await queued.reply : { moved: 0, ends: [] };
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
  left: Left,
  state: DrainState,
): Promise<Step> {
  if (mode === "delete") return trimStep(ctx, queue, Math.min(left.count, left.step));
  if (!state.parser) {
    const inRedis = sizesFor(left, Math.min(left.step, IN_REDIS_STEP), state.queued?.n);
    const step = await inRedisStep(ctx, queue, inRedis, state);
    state.parser = step.stopped;
    if (step.moved > 0 || !state.parser) return step;
  }
  const { n, next } = sizesFor(left, left.step);
  const after = Math.max(0, Math.min(left.count - n - next, left.step));
  const step = await parserStep(ctx, queue, { n, next, after }, state);
  state.parser = step.all;
  return step;
}

/** How many entries a drain may still move, and the most one step takes. */
interface Left {
  count: number;
  step: number;
}

/** This step's count (a queued call's was fixed when it was sent) and the next one's. */
function sizesFor(left: Left, step: number, queued?: number): { n: number; next: number } {
  const n = queued ?? Math.min(left.count, step);
  return { n, next: Math.min(left.count - n, step) };
}

/**
 * Counts a step's entries as requeued or deleted, and as resolved with their
 * mean time in the DLQ estimated from the two ends of the step (entries
 * arrive in failure order); not as resolved when neither end is dated.
 */
async function countStep(
  ctx: EngineContext,
  queue: string,
  mode: MoveMode,
  step: Step,
): Promise<void> {
  const times = step.ends.filter((t): t is number => t !== null);
  const wait = times.length ? nowSeconds(ctx) - times.reduce((a, b) => a + b, 0) / times.length : 0;
  const dated = times.length ? step.moved : 0;
  const resolved = { mode, moved: step.moved, dated, waitSeconds: dated * wait };
  await countResolved(ctx, queue, resolved).catch(() => undefined);
}

/** Entries per script call in drains (a window of foreign entries, a delete). */
const DRAIN_STEP = 500;

/**
 * Entries per requeueTail call: other clients wait at most for the call
 * running and the one queued behind it, about 1 ms each on small entries.
 * Beside a stand-alone drain of 200 000, calls of 500 kept 14-98 PINGs over
 * 4 ms (the worst 9-15 ms), calls of 250 kept 6-14 (the worst 6-11 ms), at a
 * throughput the same within this 2-core machine's noise.
 */
const IN_REDIS_STEP = 250;

/**
 * Requeue all / delete all: moves the DLQ's entries from the oldest, as many as
 * it held when the drain started, so messages that fail again while it runs
 * are not drained a second time. One script call moves entries at a time; the
 * next one waits behind it in Redis (for foreign entries, the read of the next
 * window goes with it), except in a drain held to a rate, which sends a call
 * only when the rate allows it.
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
  const state: DrainState = { parser: false, ahead: null, pipelined: !rate, queued: null };
  let moved = 0;
  let stalls = 0;
  // Counter writes are not awaited step by step: the next call goes out at once (countStep never throws).
  let counted = Promise.resolve();
  try {
    while (moved < total && !options.signal?.aborted && stalls < 10) {
      const done = await drainStep(ctx, queue, mode, { count: total - moved, step }, state);
      counted = countStep(ctx, queue, mode, done);
      moved += done.moved;
      stalls = done.moved === 0 ? stalls + 1 : 0;
      if (done.moved === 0 && (await ctx.redis.llen(dlq)) === 0) break;
      options.onProgress?.(moved, total);
      if (rate) await sleep(started + (moved / rate) * 1000 - Date.now(), options.signal);
    }
  } finally {
    // A call already sent runs whatever happens here: what it moved is counted.
    const last = await settleQueued(state).catch(() => ({ moved: 0, ends: [] }));
    if (last.moved > 0) {
      counted = countStep(ctx, queue, mode, last);
      moved += last.moved;
      options.onProgress?.(moved, total);
    }
    await counted;
  }
  return { moved, total, cancelled: options.signal?.aborted ?? false };
}
