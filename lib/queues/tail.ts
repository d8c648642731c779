import { runScript } from "../redis/scripts";
import { countResolved } from "./counters";
import { BATCH, keysOf, nowSeconds, sleep, type EngineContext } from "./context";
import { checkLuaReply, LuaCode } from "./errors";
import {
  failedAtOf,
  forRequeue,
  metadataKeyOf,
  parseTimestamp,
  restorableInRedis,
} from "./message";
import { execAll } from "./pipeline";
import { retentionSeconds } from "./producer";
import type { MoveMode } from "./dlq-move";

/**
 * Operations on the oldest end of a DLQ (its tail): requeue all, delete all and
 * the retention purge. Each moveTail call takes ≤ 1000 entries and first checks
 * that the tail still holds exactly the entries read, so a concurrent change
 * (a single requeue, another purge) makes the call a no-op, never a wrong move.
 */

/** Arguments of one moveTail call for `chunk`, the list's last entries in list order. */
function moveTailArgs(mode: MoveMode, chunk: Buffer[]): (string | number | Buffer)[] {
  // Oldest first (the list's last entry first), so LPUSH leaves it nearest the consumers.
  const pushes = mode === "requeue" ? chunk.map((raw) => forRequeue(raw)).reverse() : [];
  return [mode, chunk.length, ...chunk, ...pushes];
}

/**
 * Moves `chunks` (consecutive tail slices, oldest slice first) with one
 * moveTail call each, one at a time so that other clients wait at most one
 * call. Stops at the first CHANGED reply (nothing moved for that chunk).
 */
async function moveChunks(
  ctx: EngineContext,
  queue: string,
  mode: MoveMode,
  chunks: Buffer[][],
): Promise<{ moved: number; changed: boolean }> {
  const { dlq, work } = keysOf(ctx, queue);
  let moved = 0;
  for (const chunk of chunks) {
    const reply = await runScript(ctx.redis, "moveTail", [dlq, work], moveTailArgs(mode, chunk));
    if (Number(reply) === LuaCode.CHANGED) return { moved, changed: true };
    moved += checkLuaReply(reply, "moveTail");
  }
  return { moved, changed: false };
}

/** Splits the list's last entries (in list order) into tail chunks, oldest first. */
function tailChunks(window: Buffer[], size: number): Buffer[][] {
  const chunks: Buffer[][] = [];
  for (let end = window.length; end > 0; end -= size) {
    chunks.push(window.slice(Math.max(0, end - size), end));
  }
  return chunks;
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

/**
 * One step of a drain: up to `n` of the oldest entries. Deleting, and
 * requeueing entries Redrive wrote, happen inside Redis (trimTail,
 * requeueTail: no bytes cross the network). A run of entries only the full
 * parser can restore is read and moved with moveTail; while the tail holds
 * such entries, `parser` stays on so that requeueTail is not tried in vain.
 */
async function drainStep(
  ctx: EngineContext,
  queue: string,
  mode: MoveMode,
  n: number,
  state: { parser: boolean },
): Promise<number> {
  const { dlq, work } = keysOf(ctx, queue);
  if (mode === "delete")
    return checkLuaReply(await runScript(ctx.redis, "trimTail", [dlq], [n]), "trimTail");
  if (!state.parser) {
    const [moved, stopped] = (await runScript(
      ctx.redis,
      "requeueTail",
      [dlq, work],
      [n],
    )) as number[];
    state.parser = stopped === 1;
    if (moved! > 0 || !state.parser) return moved!;
  }
  const window = await ctx.redis.lrangeBuffer(dlq, -n, -1);
  let run = 0; // entries from the oldest that need the parser
  while (run < window.length && !restorableInRedis(window[window.length - 1 - run]!)) run++;
  state.parser = run === window.length && run > 0;
  if (run === 0) return 0;
  return (await moveChunks(ctx, queue, mode, [window.slice(window.length - run)])).moved;
}

/**
 * The mean time in the DLQ of the `n` oldest entries, estimated from the two
 * ends of the batch (entries arrive in failure order; reading all of them
 * would cost what the in-Redis move saves). Null when neither end is dated.
 */
async function batchWait(ctx: EngineContext, dlq: string, n: number): Promise<number | null> {
  const [oldest, newest] = (await execAll(
    ctx.redis.pipeline().lindexBuffer(dlq, -1).lindexBuffer(dlq, -n),
  )) as (Buffer | null)[];
  const times = [oldest, newest].flatMap((raw) => {
    const at = raw ? failedAtOf(raw) : null;
    return at === null ? [] : [at];
  });
  if (times.length === 0) return null;
  return nowSeconds(ctx) - times.reduce((a, b) => a + b, 0) / times.length;
}

/** Entries per script call in drains: other clients wait at most one call. */
const DRAIN_STEP = 500;

/**
 * Requeue all / delete all: moves the DLQ's entries from the oldest, as many as
 * it held when the drain started, so messages that fail again while it runs
 * are not drained a second time. One script call is in flight at a time.
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
  const state = { parser: false };
  let moved = 0;
  let stalls = 0;
  while (moved < total && !options.signal?.aborted && stalls < 10) {
    const n = Math.min(total - moved, step);
    const wait = await batchWait(ctx, dlq, n);
    const done = await drainStep(ctx, queue, mode, n, state);
    if (wait !== null) await countResolved(ctx, queue, done, done * wait).catch(() => undefined);
    moved += done;
    stalls = done === 0 ? stalls + 1 : 0;
    if (done === 0 && (await ctx.redis.llen(dlq)) === 0) break;
    options.onProgress?.(moved, total);
    if (rate) await sleep(started + (moved / rate) * 1000 - Date.now(), options.signal);
  }
  return { moved, total, cancelled: options.signal?.aborted ?? false };
}

/** Entries read per step while looking for the retention boundary. */
const PURGE_SCAN_MAX = 100_000;

/**
 * Deletes DLQ entries older than DLQ_RETENTION_DAYS (failed_at < now − retention),
 * from the tail. An entry without a timestamp (a foreign one) is taken to be as
 * old as the nearest newer entry that has one: entries arrive at the head, so
 * list order is arrival order. Undated entries with no dated entry after them
 * are kept.
 */
export function purgeExpired(ctx: EngineContext, queue: string): Promise<number> {
  return purgeOlderThan(ctx, queue, retentionSeconds(ctx.config));
}

/** The same rule with any age: what an admin's "purge older than N days" runs. */
export async function purgeOlderThan(
  ctx: EngineContext,
  queue: string,
  ageSeconds: number,
): Promise<number> {
  const cutoff = nowSeconds(ctx) - ageSeconds;
  let purged = 0;
  for (let attempt = 0; attempt < 10; attempt++) {
    const expired = await findExpiredTail(ctx, queue, cutoff);
    if (expired.length === 0) return purged;
    const result = await moveChunks(ctx, queue, "delete", tailChunks(expired, DRAIN_STEP));
    purged += result.moved;
    if (!result.changed && expired.length < PURGE_SCAN_MAX) return purged;
  }
  return purged;
}

/** The tail entries (list order) that are past the cutoff, by the rule above. */
async function findExpiredTail(
  ctx: EngineContext,
  queue: string,
  cutoff: number,
): Promise<Buffer[]> {
  const { dlq } = keysOf(ctx, queue);
  const scanned: Buffer[] = []; // oldest first
  let removable = 0;
  for (let from = 0; from < PURGE_SCAN_MAX; from += BATCH) {
    const page = await ctx.redis.lrangeBuffer(dlq, -(from + BATCH), -(from + 1));
    const times = await timestampsOf(ctx, page);
    for (let i = page.length - 1; i >= 0; i--) {
      scanned.push(page[i]!);
      const t = times[i];
      if (t === null || t === undefined) continue;
      if (t >= cutoff) return scanned.slice(0, removable).reverse();
      removable = scanned.length;
    }
    if (page.length < BATCH) break;
  }
  return scanned.slice(0, removable).reverse();
}

/** failed_at of each entry, from the entry or else its metadata hash. */
async function timestampsOf(ctx: EngineContext, page: Buffer[]): Promise<(number | null)[]> {
  const times = page.map((raw) => failedAtOf(raw));
  const undated = times.flatMap((t, i) => (t === null ? [i] : []));
  if (undated.length === 0) return times;
  const pipeline = ctx.redis.pipeline();
  for (const i of undated) pipeline.hget(metadataKeyOf(page[i]!), "failed_at");
  const values = (await execAll(pipeline)) as (string | null)[];
  undated.forEach((i, k) => {
    const v = values[k];
    times[i] = v ? parseTimestamp(v) : null;
  });
  return times;
}
