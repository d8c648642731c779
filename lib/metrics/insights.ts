import "server-only";
import { mapLimit } from "../map-limit";
import { BATCH, keysOf, nowSeconds, type EngineContext } from "../queues/context";
import { groupsOf, readFacts } from "../queues/errorGroups";
import { EntryFacts } from "../queues/facts";
import { isQueue } from "../queues/keys";
import { READ_LIMITS, type ReadBudget } from "../queues/read";
import { BudgetPool } from "./budget-pool";
import {
  isFollowable,
  windowOf,
  keptCount,
  probeAll,
  shiftWindows,
  type Kept,
  type Probe,
  type Shift,
  type Window,
} from "./insights-window";
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
 * A queue's window (the facts of its newest BATCH dead letters) is read whole
 * at least this often; in between, its figures are reused while its DLQ and
 * review mark are unchanged, and follow new entries by reading only those
 * (insights-window.ts). What neither check can see (a metadata hash rewritten
 * or expired, an entry rewritten in place) shows within this time. The same
 * minute as the oldest answer a dashboard may ask for (shared-read.ts).
 */
export const INSIGHTS_MEMO_MAX_AGE_SECONDS = 60;

/**
 * The Python backend's other DLQ metrics, from the newest BATCH entries of each
 * DLQ: top error groups and the average retry count; and what is new since the
 * last review (counted from the head up to 10 000 entries). Bounded reads, in
 * entries and in bytes (READ_LIMITS), INSIGHTS_CONCURRENCY queues at a time.
 *
 * A poll costs one pipeline (every queue's probe) plus what changed: a queue
 * whose DLQ and review did not change is not read again; one whose DLQ only
 * gained entries at the head reads those (all such queues in one pipeline)
 * and keeps the rest of its window; one whose review changed counts from its
 * window; the others, and every window older than INSIGHTS_MEMO_MAX_AGE_SECONDS,
 * are read whole. Figures the byte budget cut are kept too: they say so
 * (`scanned`), and reading them again each time would cost most where there
 * is most to read.
 *
 * Also for `Cache-Control: no-cache` (the "refresh now" button, the
 * benchmark): what is reused was checked in Redis by this very call, so it is
 * what reading the DLQ again would give, within INSIGHTS_MEMO_MAX_AGE_SECONDS
 * for what the checks cannot see; the same stand as the overview's memo of a
 * large oldest entry (queues/stats.ts).
 */
export async function buildInsights(ctx: EngineContext): Promise<InsightsResponse> {
  const checkedAt = nowSeconds(ctx);
  const memo = memoOf(ctx);
  const inputs = ctx.config.QUEUES.map((queue) => ({ queue, dlq: keysOf(ctx, queue).dlq }));
  const kept = inputs.map(({ queue, dlq }) => usable(memo.get(queue), dlq, checkedAt));
  // The probes are read before any figure is computed: a change made while
  // they are computed then differs from the signature kept with them.
  const [reviews, probes] = await Promise.all([
    readReviews(ctx),
    probeAll(
      ctx,
      inputs.map((i) => i.dlq),
      kept,
    ),
  ]);
  const plans = inputs.map((input, i) =>
    planOf(kept[i], { ...input, reviewedAt: reviews[input.queue]?.at ?? null }, probes[i]!),
  );
  const results = await carryOut(ctx, plans);
  plans.forEach((plan, i) => plan.reuse || remember(memo, plan, results[i]!, checkedAt));
  return { queues: results, computedAt: nowSeconds(ctx) };
}

interface Input {
  queue: string;
  dlq: string;
  reviewedAt: number | null;
}

/**
 * What to do for one queue: reuse its figures, compute them from a window
 * (kept, or kept and moved by new entries at its head), or read it whole.
 */
interface Plan extends Input {
  probe: Probe;
  /** When its window was last read whole (now for `read`). */
  fullAt: number | null;
  reuse?: QueueInsights;
  window?: Window;
  shift?: { shift: number; kept: number; window: Window; fresh: Buffer[] | null };
}

function planOf(m: Memo | undefined, input: Input, probe: Probe): Plan {
  const plan: Plan = { ...input, probe, fullAt: m?.fullAt ?? null };
  if (!m) return plan;
  if (m.signature === probe.signature) {
    if (m.insights && m.reviewedAt === input.reviewedAt) return { ...plan, reuse: m.insights };
    return m.window ? { ...plan, window: m.window } : { ...plan, fullAt: null };
  }
  const kept = m.window ? keptCount(m.window, probe) : null;
  if (kept === null) return { ...plan, fullAt: null };
  if (probe.shift === 0) {
    const facts = EntryFacts.of([], true).concat(m.window!.facts, kept);
    return { ...plan, window: { facts, total: probe.length, cap: m.window!.cap } };
  }
  return { ...plan, shift: { shift: probe.shift!, kept, window: m.window!, fresh: probe.fresh } };
}

/**
 * Every plan's figures: the moved windows first (one pipeline), then the
 * queues to count or read, INSIGHTS_CONCURRENCY at a time, shortest DLQs
 * first: they need least of the byte budget and give the rest back
 * (BudgetPool) before the long ones start.
 */
async function carryOut(ctx: EngineContext, plans: Plan[]): Promise<QueueInsights[]> {
  const toRead = (p: Plan) => !p.reuse && !p.window && !p.shift;
  const pool = new BudgetPool(
    plans.filter((p) => p.shift || (toRead(p) && p.probe.length > 0)).length,
  );
  await moveWindows(ctx, plans, pool);
  const results = plans.map((p) => p.reuse);
  const rest = plans
    .flatMap((p, i) => (p.reuse ? [] : [i]))
    .sort((a, b) => plans[a]!.probe.length - plans[b]!.probe.length);
  const needy = (p: Plan) => (p.window ? needsMore(p.window, p.reviewedAt) : p.probe.length > 0);
  pool.expect(rest.filter((i) => plans[i]!.window && needy(plans[i]!)).length);
  await mapLimit(rest, INSIGHTS_CONCURRENCY, async (i) => {
    const plan = plans[i]!;
    const budget = pool.take(!needy(plan));
    try {
      results[i] = await insightsOf(ctx, plan, budget);
    } finally {
      pool.give(budget);
    }
  });
  return results as QueueInsights[];
}

/**
 * The new windows of the plans whose DLQs gained entries at the head (each
 * with its part of the budget); a plan whose read did not follow on from its
 * window is left to read whole, taking a part of the budget of its own.
 */
async function moveWindows(ctx: EngineContext, plans: Plan[], pool: BudgetPool): Promise<void> {
  const moving = plans.filter((p) => p.shift);
  if (moving.length === 0) return;
  const shifts: Shift[] = moving.map((p) => ({
    ...p.shift!,
    dlq: p.dlq,
    total: p.probe.length,
    budget: pool.take(false),
  }));
  const windows = await shiftWindows(ctx, shifts);
  shifts.forEach((s) => pool.give(s.budget));
  moving.forEach((p, i) => {
    if (windows[i]) p.window = windows[i];
    else p.fullAt = null;
    delete p.shift;
  });
  pool.expect(windows.filter((w) => !w).length);
}

/** True when counting what is new since the review reads past the window. */
function needsMore(window: Window, reviewedAt: number | null): boolean {
  if (reviewedAt === null) return false;
  const { facts, total } = window;
  return facts.newSince(reviewedAt) === facts.length && facts.length < total;
}

/** One queue's figures, from its window or from its DLQ read whole (the window kept in the plan). */
async function insightsOf(
  ctx: EngineContext,
  plan: Plan,
  budget: ReadBudget,
): Promise<QueueInsights> {
  if (!plan.window) {
    const total = await ctx.redis.llen(plan.dlq);
    const { facts } = await readFacts(ctx, plan.dlq, Math.min(total, BATCH), budget, true);
    plan.window = windowOf(facts, total);
  }
  const { facts, total } = plan.window;
  const groups = groupsOf(facts, total);
  const reviewedAt = plan.reviewedAt;
  return {
    queue: plan.queue,
    scanned: groups.scanned,
    total: groups.total,
    topErrors: groups.groups.slice(0, 10),
    averageRetryCount: groups.averageRetryCount,
    sinceReview:
      reviewedAt === null
        ? null
        : {
            ...(await newSince(ctx, plan.queue, plan.window, reviewedAt, budget)),
            newGroups: groups.groups.filter(
              (g) => g.firstSeen !== null && g.firstSeen > reviewedAt,
            ),
          },
  };
}

/** What failed after the review: counted in the window, and past it when all of the window did. */
async function newSince(
  ctx: EngineContext,
  queue: string,
  { facts, total }: Window,
  since: number,
  budget: ReadBudget,
): Promise<{ count: number; atLeast: boolean }> {
  const count = facts.newSince(since);
  if (count < facts.length || facts.length >= total) return { count, atLeast: false };
  const more = await countNewSince(ctx, queue, since, READ_LIMITS.scanEntries, budget, count);
  return { count: count + more.count, atLeast: more.atLeast };
}

// ------------------------------------------------------------------ the memo

/** A queue's figures larger than this (as JSON) are not kept: the memo stays small beside 500 queues. */
const MEMO_ENTRY_MAX_BYTES = 64 * 1024;

interface Memo extends Kept {
  /** The DLQ key the figures were read from (a reconfigured queue may name another). */
  dlq: string;
  reviewedAt: number | null;
  /** When the window was last read whole (the engine's clock, epoch seconds). */
  fullAt: number;
  insights: QueueInsights | null;
}

/**
 * Per connection (per Redis), per queue; only configured queues are kept. A
 * caller may pass a context whose QUEUES are the ones a user sees (its
 * queueKeys still name every configured queue): the others stay kept for the
 * callers that see them. A window is at most BATCH entries of a few dozen
 * bytes each, plus one message per error group.
 */
const memos = new WeakMap<object, Map<string, Memo>>();

function memoOf(ctx: EngineContext): Map<string, Memo> {
  let memo = memos.get(ctx.redis);
  if (!memo) memos.set(ctx.redis, (memo = new Map()));
  for (const queue of memo.keys()) if (!isQueue(ctx.config, queue)) memo.delete(queue);
  return memo;
}

/** What is kept of a queue when it was read from this DLQ and its window is young enough. */
function usable(m: Memo | undefined, dlq: string, now: number): Memo | undefined {
  if (!m || m.dlq !== dlq) return undefined;
  // A clock that went back (tests move it) is no proof of youth either.
  const age = now - m.fullAt;
  return age >= 0 && age < INSIGHTS_MEMO_MAX_AGE_SECONDS ? m : undefined;
}

/**
 * An upper bound of the bytes of `insights` as JSON, from the lengths of its strings
 * (a UTF-16 unit is at most 3 bytes of UTF-8 or 6 escaped), without writing it.
 */
function sizeBound(insights: QueueInsights): number {
  const groups = [...insights.topErrors, ...(insights.sinceReview?.newGroups ?? [])];
  const chars = groups.reduce(
    (n, g) => n + g.example.length + g.pattern.length + g.errorType.length,
    0,
  );
  return 6 * (chars + insights.queue.length) + 200 * (groups.length + 1);
}

function remember(memo: Map<string, Memo>, plan: Plan, insights: QueueInsights, now: number): void {
  const window = plan.window && isFollowable(plan.window);
  const small = sizeBound(insights) <= MEMO_ENTRY_MAX_BYTES;
  if (!window && !small) {
    memo.delete(plan.queue);
    return;
  }
  memo.set(plan.queue, {
    signature: plan.probe.signature,
    window: window ? plan.window! : null,
    dlq: plan.dlq,
    reviewedAt: plan.reviewedAt,
    fullAt: plan.fullAt ?? now,
    insights: small ? insights : null,
  });
}
