import "server-only";
import { ownKey, type KeyPrefix } from "../own-keys";
import { BATCH, keysOf, nowSeconds, type EngineContext } from "../queues/context";
import { EntryFields, entryFailedAt, READ_LIMITS, ReadBudget, readRange } from "../queues/read";
import type { ReviewMark } from "./types";

/**
 * The daily review: an admin marks a queue's DLQ as reviewed, and the overview
 * shows what failed since. HASH redrive:review, field <queue> -> {"at","by"}.
 */
export const reviewKey = (c: KeyPrefix) => ownKey(c, "review");

export async function markReviewed(
  ctx: EngineContext,
  queue: string,
  by: string,
): Promise<ReviewMark> {
  const mark = { at: Math.floor(nowSeconds(ctx)), by };
  await ctx.redis.hset(reviewKey(ctx.config), queue, JSON.stringify(mark));
  return mark;
}

/** Every queue's last review (one HMGET of known fields). */
export async function readReviews(ctx: EngineContext): Promise<Record<string, ReviewMark | null>> {
  const queues = ctx.config.QUEUES;
  const values = await ctx.redis.hmget(reviewKey(ctx.config), ...queues);
  return Object.fromEntries(queues.map((q, i) => [q, parseMark(values[i] ?? null)]));
}

/**
 * A stored mark's own fields only: the hash is JSON another writer (or version)
 * may have given more fields or no `by`, and the API answers exactly {at, by}.
 */
function parseMark(text: string | null): ReviewMark | null {
  if (!text) return null;
  try {
    const m = JSON.parse(text) as Partial<Record<keyof ReviewMark, unknown>>;
    if (typeof m.at !== "number") return null;
    return { at: m.at, by: typeof m.by === "string" ? m.by : "?" };
  } catch {
    return null;
  }
}

/**
 * How many entries failed after `since`, counted from the newest until the
 * first older one (the DLQ is in failure order) and at most `scanMax` entries
 * or the byte budget (large entries are read cut; Redrive's failed_at is in
 * their tail). Entries without a failure time are counted as new: nobody has
 * seen them. From index `from` when the caller counted those before it.
 */
export async function countNewSince(
  ctx: EngineContext,
  queue: string,
  since: number,
  scanMax: number = READ_LIMITS.scanEntries,
  budget: ReadBudget = new ReadBudget(),
  from = 0,
): Promise<{ count: number; atLeast: boolean }> {
  const { dlq } = keysOf(ctx, queue);
  let count = 0;
  for (let start = from; start < scanMax;) {
    const page = await readRange(ctx.redis, dlq, start, Math.min(BATCH, scanMax - start), {
      budget,
    });
    for (const e of page.entries) {
      const at = entryFailedAt(new EntryFields(e));
      if (at !== null && at <= since) return { count, atLeast: false };
      count++;
    }
    if (page.end) return { count, atLeast: false };
    if (page.stopped || page.entries.length === 0) break;
    start += page.entries.length;
  }
  return { count, atLeast: true };
}
