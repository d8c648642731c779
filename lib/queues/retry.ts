import { runScript } from "../redis/scripts";
import { BATCH, keysOf, nowSeconds, type EngineContext } from "./context";
import { checkLuaReply } from "./errors";

/**
 * Moves every retry due at `now` to its work queue, oldest due first, with one
 * promoteDue call per ≤ 1000 messages, each atomic, so concurrent promoters
 * never move a message twice. One call at a time: pipelining several would
 * make other clients wait for all of them (a round trip is far shorter than a
 * call).
 */
export async function promoteDue(
  ctx: EngineContext,
  queue: string,
  signal?: AbortSignal,
): Promise<number> {
  const { retry, work } = keysOf(ctx, queue);
  let total = 0;
  while (!signal?.aborted) {
    const reply = await runScript(ctx.redis, "promoteDue", [retry, work], [nowSeconds(ctx), BATCH]);
    const moved = checkLuaReply(reply, "promoteDue");
    total += moved;
    if (moved < BATCH) break;
  }
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

/** The seed's get_ready_retries: retries due now, soonest first (read only). */
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
