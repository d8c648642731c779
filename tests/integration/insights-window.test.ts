import Redis from "ioredis";
import { describe, expect, it } from "vitest";
import { buildInsights } from "@/lib/metrics/insights";
import { reviewKey } from "@/lib/metrics/review";
import { BATCH, keysOf, type EngineContext } from "@/lib/queues/context";
import { toDlqEntry } from "@/lib/queues/message";
import { parseInfo } from "@/lib/redis/info";
import { defineScripts } from "@/lib/redis/scripts";
import { useRedis } from "../helpers/redis";

/**
 * The insights keep each queue's window (the facts of its newest 1 000 dead
 * letters) and follow new entries at the head by reading only those. Each
 * test compares what a dashboard that kept its windows answers with what one
 * reading everything afresh answers: they must be the same.
 */
const r = useRedis({ QUEUES: "long,short" });
const dlq = (queue: string) => keysOf(r.engine.ctx, queue).dlq;

const ERRORS = ["TimeoutError", "DiskFull", "KeyError", "ConnectionReset", "ValueError"];

/** A Redrive-written dead letter, its error one of five types, that failed at `failedAt`. */
function deadLetter(n: number, failedAt: number): Buffer {
  const type = ERRORS[(n * 7) % ERRORS.length]!;
  return toDlqEntry(Buffer.from(JSON.stringify({ id: `m${n}`, job_id: `j${n}`, filename: "f" })), {
    error: { type, message: `${type} on item ${n} after ${n % 13} s` },
    retryCount: n % 4,
    failedAt: new Date(failedAt * 1000),
    originalQueue: "q",
  });
}

/** `count` dead letters pushed to `queue`'s DLQ, numbered from `from`, one second apart. */
async function push(queue: string, from: number, count: number): Promise<void> {
  const entries = Array.from({ length: count }, (_, k) =>
    deadLetter(from + k, r.clock.now - 5_000 + from + k),
  );
  for (let i = 0; i < entries.length; i += 1000)
    await r.redis.lpush(dlq(queue), ...entries.slice(i, i + 1000));
}

function ownContext(): EngineContext {
  const redis = new Redis(r.server.url, { maxRetriesPerRequest: 1 });
  defineScripts(redis);
  return { ...r.engine.ctx, redis };
}

async function lranges(): Promise<number> {
  const stats = parseInfo(await r.redis.info("commandstats"));
  return Number(/calls=(\d+)/.exec(stats.cmdstat_lrange ?? "")?.[1] ?? 0);
}

/**
 * Insights from `kept` (a context that read before), how many LRANGE calls
 * they cost, and the insights a context reading afresh answers.
 */
async function compare(kept: EngineContext) {
  const before = await lranges();
  const insights = await buildInsights(kept);
  const cost = (await lranges()) - before;
  const fresh = ownContext();
  try {
    return { insights, cost, fresh: await buildInsights(fresh) };
  } finally {
    fresh.redis.disconnect();
  }
}

/** What a full read of the window costs: its 1 000 entries, 16 a LRANGE call in readRange. */
const WHOLE = BATCH / 16;

/** Each change, made after a first read; true when the window must be read whole again. */
const changes: [string, () => Promise<unknown>, boolean][] = [
  ["three entries were pushed", () => push("long", 9_000, 3), false],
  [
    "the oldest entry moved to the head",
    () => r.redis.lmove(dlq("long"), dlq("long"), "RIGHT", "LEFT"),
    false,
  ],
  [
    "entries were pushed and the tail trimmed",
    async () => {
      await push("short", 9_000, 5);
      await r.redis.ltrim(dlq("short"), 0, 399);
    },
    false,
  ],
  [
    "an entry inside the window was removed",
    () => r.redis.lrem(dlq("long"), 1, deadLetter(1_900, r.clock.now - 5_000 + 1_900)),
    true,
  ],
  [
    "an entry was removed and another pushed",
    async () => {
      await r.redis.lrem(dlq("short"), 1, deadLetter(200, r.clock.now - 5_000 + 200));
      await push("short", 9_500, 1);
    },
    true,
  ],
  [
    "the list was replaced by another as long",
    async () => {
      await r.redis.del(dlq("short"));
      await push("short", 5_000, 400);
    },
    true,
  ],
  ["more entries were pushed than the window holds", () => push("short", 20_000, BATCH + 5), true],
];

/** Marks "long" reviewed right after entry `n` failed. */
async function review(n: number): Promise<void> {
  const mark = { at: r.clock.now - 5_000 + n, by: "ana" };
  await r.redis.hset(reviewKey(r.engine.ctx.config), "long", JSON.stringify(mark));
}

describe("insights window", () => {
  for (const [change, make, whole] of changes) {
    it(`should answer what a fresh read answers${whole ? ", reading the window whole," : ", reading only the new entries,"} when ${change}`, async () => {
      await push("long", 0, 2_500);
      await push("short", 0, 400);
      const ctx = ownContext();
      try {
        await buildInsights(ctx);
        await make();
        const { insights, cost, fresh } = await compare(ctx);
        expect(insights).toEqual({ ...fresh, computedAt: insights.computedAt });
        if (whole) expect(cost).toBeGreaterThanOrEqual(WHOLE / 4);
        else expect(cost).toBeLessThan(4);
      } finally {
        ctx.redis.disconnect();
      }
    });
  }

  it("should count what is new since the review from the window, and past it when the whole window is new", async () => {
    await push("long", 0, 2_500);
    const ctx = ownContext();
    try {
      await buildInsights(ctx);
      // Reviewed after entry 2 000 failed: 499 newer ones, all in the window.
      await review(2_000);
      const within = await compare(ctx);
      expect(within.cost).toBe(0);
      expect(within.insights.queues[0]!.sinceReview).toMatchObject({ count: 499, atLeast: false });
      expect(within.insights).toEqual({ ...within.fresh, computedAt: within.insights.computedAt });
      // Reviewed after entry 100 failed: 2 399 newer ones, past the window.
      await review(100);
      const past = await compare(ctx);
      expect(past.insights.queues[0]!.sinceReview).toMatchObject({ count: 2_399, atLeast: false });
      expect(past.insights).toEqual({ ...past.fresh, computedAt: past.insights.computedAt });
    } finally {
      ctx.redis.disconnect();
    }
  });

  it("should follow a window the byte budget cut, keeping as many entries as the read could", async () => {
    // 250 entries of 100 KB a queue, each returned cut to ~80 KB: 20 MB a queue
    // against its half of the request's 32 MB, so each read stops near 200.
    const large = (n: number) => `{"id":"b${n}","pad":"${"y".repeat(100 * 1024)}"}`;
    const fill = async (from: number, count: number) => {
      for (const q of ["long", "short"]) {
        const values = Array.from({ length: count }, (_, k) => large(from + k));
        for (let i = 0; i < count; i += 50) await r.redis.lpush(dlq(q), ...values.slice(i, i + 50));
      }
    };
    await fill(0, 250);
    const ctx = ownContext();
    try {
      const first = await buildInsights(ctx);
      const scanned = first.queues.map((q) => q.scanned);
      for (const n of scanned) {
        expect(n).toBeGreaterThan(150);
        expect(n).toBeLessThan(250);
      }
      await fill(1_000, 2);
      const { insights, cost, fresh } = await compare(ctx);
      expect(insights.queues.map((q) => [q.scanned, q.total])).toEqual(
        scanned.map((n) => [n, 252]),
      );
      expect(insights).toEqual({ ...fresh, computedAt: insights.computedAt });
      expect(cost).toBeLessThan(8);
    } finally {
      ctx.redis.disconnect();
    }
  });
});
