import { runScript } from "../redis/scripts";
import { BATCH_BYTES, BATCH_ENTRIES, reportBatch } from "./batch";
import { BATCH, keysOf, nowSeconds, type EngineContext } from "./context";
import { countPromoted } from "./counters";
import { checkLuaReply, EngineError } from "./errors";
import { identityOf } from "./message";
import {
  EntryFields,
  entryIdentity,
  entryRetryCount,
  ReadBudget,
  readRange,
  type ReadEntry,
} from "./read";
import type { ScheduledRetryView } from "./types";

/**
 * Moves every retry due at `now` to its work queue, oldest due first, with one
 * promoteDue call per ≤ BATCH_ENTRIES messages and ≤ BATCH_BYTES of them, each atomic,
 * so concurrent promoters never move a message twice. One call at a time:
 * pipelining several would make other clients wait for all of them (a round
 * trip is far shorter than a call).
 */
export async function promoteDue(
  ctx: EngineContext,
  queue: string,
  signal?: AbortSignal,
  upTo?: "+inf",
): Promise<number> {
  const { retry, work } = keysOf(ctx, queue);
  let total = 0;
  while (!signal?.aborted) {
    const now = upTo ?? nowSeconds(ctx);
    const [moved, more, bytes, read] = (await runScript(
      ctx.redis,
      "promoteDue",
      [retry, work],
      [now, BATCH_ENTRIES, BATCH_BYTES],
    )) as number[];
    reportBatch(ctx, "promoteDue", moved!, bytes!, read!);
    total += checkLuaReply(moved, "promoteDue");
    if (more !== 1) break;
  }
  await countPromoted(ctx, queue, total);
  return total;
}

export interface ScheduledRetry {
  raw: Buffer;
  /** Due time, epoch seconds. */
  due: number;
}

function pairs(reply: Buffer[]): ScheduledRetry[] {
  const out: ScheduledRetry[] = [];
  for (let i = 0; i + 1 < reply.length; i += 2) {
    out.push({ raw: reply[i]!, due: Number(reply[i + 1]!.toString()) });
  }
  return out;
}

/** The Python backend's get_ready_retries: retries due now, soonest first (read only). */
export async function getReadyRetries(
  ctx: EngineContext,
  queue: string,
  limit = 100,
): Promise<ScheduledRetry[]> {
  const { retry } = keysOf(ctx, queue);
  const reply = await ctx.redis.zrangeBuffer(
    retry,
    "-inf",
    String(nowSeconds(ctx)),
    "BYSCORE",
    "LIMIT",
    0,
    Math.min(limit, BATCH),
    "WITHSCORES",
  );
  return pairs(reply);
}

/** Scheduled retries, soonest first, one page. */
export async function getRetries(
  ctx: EngineContext,
  queue: string,
  offset: number,
  limit: number,
): Promise<ScheduledRetry[]> {
  const { retry } = keysOf(ctx, queue);
  const reply = await ctx.redis.zrangeBuffer(
    retry,
    String(offset),
    String(offset + limit - 1),
    "WITHSCORES",
  );
  return pairs(reply);
}

/**
 * Scheduled retries as the retry list shows them, soonest first, one page:
 * members above READ_LIMITS.entryWholeBytes are cut (`truncated`), so that a
 * page stays within a few megabytes whatever producers wrote.
 */
export async function listRetries(
  ctx: EngineContext,
  queue: string,
  offset: number,
  limit: number,
): Promise<{ total: number; retries: ScheduledRetryView[] }> {
  const { retry } = keysOf(ctx, queue);
  // No byte budget (a short page would skip members): each comes in at most ~80 KB.
  const budget = new ReadBudget(Infinity, Infinity);
  const [total, page] = await Promise.all([
    ctx.redis.zcard(retry),
    readRange(ctx.redis, retry, offset, limit, { kind: "zset", budget }),
  ]);
  return {
    total,
    retries: page.entries.map(retryView),
  };
}

/**
 * An entry as the Retries tab shows it (`due` its score; 0 outside a sorted
 * set): also how "where is job X?" shows a work or processing entry.
 */
export function retryView(e: ReadEntry): ScheduledRetryView {
  const fields = new EntryFields(e);
  return {
    rank: e.index,
    identity: entryIdentity(e, fields),
    due: e.score ?? 0,
    raw: (e.whole ?? e.head).toString("utf8"),
    bytes: e.bytes,
    retryCount: entryRetryCount(fields),
    ...(e.whole ? {} : { truncated: true }),
  };
}

/** "Retry now" for every scheduled retry of a queue, soonest first, ≤ 1000 a call. */
export function retryAllNow(
  ctx: EngineContext,
  queue: string,
  signal?: AbortSignal,
): Promise<number> {
  return promoteDue(ctx, queue, signal, "+inf");
}

/**
 * "Retry now" for one scheduled retry, named by rank (as listed) and identity.
 * If the rank no longer holds it, the set is scanned for it; if it is gone (it
 * was promoted meanwhile), a conflict.
 */
export async function retryNow(
  ctx: EngineContext,
  queue: string,
  rank: number,
  identity: string,
): Promise<void> {
  const { retry, work } = keysOf(ctx, queue);
  let member: Buffer | undefined;
  const [atRank] = await ctx.redis.zrangeBuffer(retry, String(rank), String(rank));
  if (atRank && identityOf(atRank) === identity) member = atRank;
  let cursor = "0";
  while (!member) {
    const [next, flat] = await ctx.redis.zscanBuffer(retry, cursor, "COUNT", BATCH);
    for (let i = 0; i < flat.length && !member; i += 2) {
      if (identityOf(flat[i]!) === identity) member = flat[i];
    }
    cursor = next.toString();
    if (cursor === "0") break;
  }
  const moved = member
    ? Number(await runScript(ctx.redis, "promoteOne", [retry, work], [member]))
    : 0;
  if (moved !== 1) throw new EngineError("CONFLICT", "that retry is no longer scheduled");
}
