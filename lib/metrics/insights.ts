import "server-only";
import type { ChainableCommander } from "ioredis";
import { mapLimit } from "../map-limit";
import { BATCH, keysOf, nowSeconds, type EngineContext } from "../queues/context";
import { getErrorGroups } from "../queues/errorGroups";
import { isQueue } from "../queues/keys";
import { READ_LIMITS, ReadBudget } from "../queues/read";
import { execBySlot } from "../redis/pipeline";
import { pipeScript } from "../redis/scripts";
import { countNewSince, readReviews } from "./review";
import type { InsightsResponse, QueueInsights } from "./types";

/**
 * Queues read at a time. Every queue's reads share the process's one Redis
 * connection, and Redis answers in the order commands arrive: with every
 * queue in flight at once (up to 500), a command waited behind every other
 * queue's reads and the Node.js work on their replies, and at 100 full queues
 * that neared the 3 s command timeout (503 REDIS_TIMEOUT). Node.js parses the
 * replies on one thread, so more in flight does not go faster; a few keep
 * Redis busy while Node.js parses, and bound a command's wait to a few queues'
 * reads (each script call is bounded in bytes, READ_LIMITS).
 */
export const INSIGHTS_CONCURRENCY = 4;

/**
 * A queue's figures are reused while its signature (below) and review mark
 * are unchanged, for at most this long: what the signature cannot see (a
 * metadata hash rewritten or expired, an entry rewritten in place in the
 * middle of the list) shows within this time. The same minute as the oldest
 * answer a dashboard may ask for (shared-read.ts).
 */
export const INSIGHTS_MEMO_MAX_AGE_SECONDS = 60;

/** A queue's figures larger than this (as JSON) are not kept: the memo stays small beside 500 queues. */
const MEMO_ENTRY_MAX_BYTES = 64 * 1024;

/**
 * The Python backend's other DLQ metrics, from the newest BATCH entries of each
 * DLQ: top error groups and the average retry count; and what is new since the
 * last review (counted from the head up to 10 000 entries). Bounded reads, in
 * entries and in bytes (READ_LIMITS), INSIGHTS_CONCURRENCY queues at a time;
 * a queue whose DLQ and review did not change since the last call is not read
 * again (see SAMPLED below), so a poll costs one pipeline plus the queues that
 * changed. Figures the byte budget cut are kept too: they say so (`scanned`),
 * and reading them again each time would cost most where there is most to
 * read. `computedAt` is when their input was last checked: this call.
 *
 * Also for `Cache-Control: no-cache` (the "refresh now" button, the
 * benchmark): a reused figure is one whose input was checked in Redis by this
 * very call, so it is what reading the DLQ again would give, within
 * INSIGHTS_MEMO_MAX_AGE_SECONDS for what the check cannot see; the same stand
 * as the overview's memo of a large oldest entry (queues/stats.ts).
 */
export async function buildInsights(ctx: EngineContext): Promise<InsightsResponse> {
  const queues = ctx.config.QUEUES;
  const checkedAt = nowSeconds(ctx);
  // The signatures are read before any figure is computed: a change made while
  // they are computed then differs from the signature kept with them.
  const [reviews, signatures] = await Promise.all([readReviews(ctx), readSignatures(ctx, queues)]);
  const memo = memoOf(ctx);
  const inputs = queues.map((queue, i) => ({
    queue,
    dlq: keysOf(ctx, queue).dlq,
    ...signatures[i]!,
    reviewedAt: reviews[queue]?.at ?? null,
  }));
  const results = inputs.map((input) => reusable(memo.get(input.queue), input, checkedAt));
  // Shortest DLQs first: they need least of the byte budget and give the rest
  // back (BudgetPool) before the long ones start.
  const stale = inputs
    .flatMap((input, i) => (results[i] ? [] : [i]))
    .sort((a, b) => inputs[a]!.length - inputs[b]!.length);
  const pool = new BudgetPool(stale.filter((i) => inputs[i]!.length > 0).length);
  await mapLimit(stale, INSIGHTS_CONCURRENCY, async (i) => {
    const input = inputs[i]!;
    const budget = pool.take(input.length === 0);
    let insights: QueueInsights;
    try {
      insights = await queueInsights(ctx, input.queue, input.reviewedAt, budget);
    } finally {
      pool.give(budget);
    }
    results[i] = insights;
    remember(memo, { ...input, at: checkedAt, insights });
  });
  return { queues: results as QueueInsights[], computedAt: nowSeconds(ctx) };
}

/** One queue's figures, read within `budget`. */
export async function queueInsights(
  ctx: EngineContext,
  queue: string,
  reviewedAt: number | null,
  budget: ReadBudget,
): Promise<QueueInsights> {
  const groups = await getErrorGroups(ctx, queue, BATCH, budget);
  const sinceReview =
    reviewedAt === null
      ? null
      : {
          ...(await countNewSince(ctx, queue, reviewedAt, undefined, budget)),
          newGroups: groups.groups.filter((g) => g.firstSeen !== null && g.firstSeen > reviewedAt),
        };
  return {
    queue,
    scanned: groups.scanned,
    total: groups.total,
    topErrors: groups.groups.slice(0, 10),
    averageRetryCount: groups.averageRetryCount,
    sinceReview,
  };
}

// ------------------------------------------------------------------ the byte budget

/** An empty DLQ's part of what is left: 1/64 (see BudgetPool.take). */
const EMPTY_PARTS = 64;

/**
 * One request's byte budget (READ_LIMITS.requestReturnBytes and
 * requestReadBytes) dealt out to the queues it reads. One budget shared as
 * reads come let the first queues spend it and left the last ones nothing:
 * figures that look like an empty DLQ. Here each queue, when it starts, takes
 * an equal part of what is left for the non-empty queues not yet started, and
 * gives back what it did not spend: with n DLQs not empty, each gets at least
 * 1/n of the budget (less at most the small parts of the empty queues in
 * flight beside it), the queues that need less leave the rest to the later
 * ones (buildInsights starts the shortest DLQs first), and the request as a
 * whole stays within its budget (plus at most one entry per script call, as
 * any read). A queue whose part ran out says so: `scanned` below both its
 * `total` and BATCH (a count since the review is then `atLeast`).
 */
class BudgetPool {
  private returnLeft: number = READ_LIMITS.requestReturnBytes;
  private readLeft: number = READ_LIMITS.requestReadBytes;

  constructor(private queuesLeft: number) {}

  /**
   * A queue's part. One whose DLQ was empty when its signature was read is not
   * counted among the queues left (it reads nothing and gives its part back),
   * and takes a small part only (1/EMPTY_PARTS of what is left), so that empty
   * queues in flight hold back little from the others; should entries have
   * come since, it reads them within that part.
   */
  take(empty: boolean): ReadBudget {
    const parts = empty ? Math.max(EMPTY_PARTS, this.queuesLeft) : Math.max(1, this.queuesLeft);
    const share = new ReadBudget(
      Math.floor(this.returnLeft / parts),
      Math.floor(this.readLeft / parts),
    );
    this.returnLeft -= share.returnMax;
    this.readLeft -= share.readMax;
    if (!empty) this.queuesLeft--;
    return share;
  }

  give(share: ReadBudget): void {
    this.returnLeft += Math.max(0, share.returnMax - share.returned);
    this.readLeft += Math.max(0, share.readMax - share.read);
  }
}

// ------------------------------------------------------------------ the memo

/**
 * What a queue's figures depend on: its DLQ's length, and the size and sha1
 * of the entries at three positions: the newest (index 0: producers LPUSH),
 * the last of the error groups' window (BATCH - 1) and the oldest (-1, the
 * end of a shorter list). Entries come in at the head (LPUSH) and leave by
 * index or from the tail, so any push changes the newest entry, any removal
 * changes the length, and a removal with as many pushes changes the newest
 * too; a window shifted by changes the other two miss moves its last entry.
 * Not seen: an entry rewritten in place (LSET) away from these positions, a
 * removal undone by putting a different entry back at the same place, and
 * anything outside the list (metadata hashes, read for entries without an
 * inline error): those wait for INSIGHTS_MEMO_MAX_AGE_SECONDS.
 *
 * Read by one script call per queue (dlqSignature-1.lua): a few dozen bytes
 * an entry whatever its size (entries may be 512 MB; Redis still copies and
 * hashes it, as every read of it does), in one pipeline (one per hash slot on
 * a Cluster).
 */
const SAMPLED = [0, BATCH - 1, -1] as const;

interface Signature {
  /** The DLQ's length when the signature was read. */
  length: number;
  signature: string;
}

/** Every queue's signature: one script call each (dlqSignature-1.lua), one pipeline per slot. */
async function readSignatures(ctx: EngineContext, queues: readonly string[]): Promise<Signature[]> {
  const batches = queues.map((queue) => {
    const { dlq } = keysOf(ctx, queue);
    const add = (pipeline: ChainableCommander) =>
      pipeScript(pipeline, "dlqSignature", [dlq], [...SAMPLED]);
    return { key: dlq, add };
  });
  const replies = await execBySlot(ctx.redis, batches);
  return replies.map(([reply]) => {
    const [length, ...samples] = reply as [number, ...string[]];
    return { length: Number(length), signature: [length, ...samples].join(" ") };
  });
}

interface MemoInput extends Signature {
  queue: string;
  /** The DLQ key the figures were read from (a reconfigured queue may name another). */
  dlq: string;
  reviewedAt: number | null;
}

interface Memo extends MemoInput {
  /** When the signature was read (the engine's clock, epoch seconds). */
  at: number;
  insights: QueueInsights;
}

/**
 * Per connection (per Redis), per queue; only configured queues are kept. A
 * caller may pass a context whose QUEUES are the ones a user sees (its
 * queueKeys still name every configured queue): the others stay kept for the
 * callers that see them.
 */
const memos = new WeakMap<object, Map<string, Memo>>();

function memoOf(ctx: EngineContext): Map<string, Memo> {
  let memo = memos.get(ctx.redis);
  if (!memo) memos.set(ctx.redis, (memo = new Map()));
  for (const queue of memo.keys()) if (!isQueue(ctx.config, queue)) memo.delete(queue);
  return memo;
}

/** The kept figures when their input is the one just read and they are young enough. */
function reusable(m: Memo | undefined, input: MemoInput, now: number): QueueInsights | undefined {
  if (!m || m.dlq !== input.dlq || m.signature !== input.signature) return undefined;
  if (m.reviewedAt !== input.reviewedAt) return undefined;
  // A clock that went back (tests move it) is no proof of youth either.
  const age = now - m.at;
  return age >= 0 && age < INSIGHTS_MEMO_MAX_AGE_SECONDS ? m.insights : undefined;
}

function remember(memo: Map<string, Memo>, m: Memo): void {
  if (Buffer.byteLength(JSON.stringify(m.insights)) > MEMO_ENTRY_MAX_BYTES) memo.delete(m.queue);
  else memo.set(m.queue, m);
}
