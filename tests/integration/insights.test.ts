import Redis from "ioredis";
import { describe, expect, it } from "vitest";
import { buildInsights, INSIGHTS_MEMO_MAX_AGE_SECONDS } from "@/lib/metrics/insights";
import { countNewSince, markReviewed, readReviews } from "@/lib/metrics/review";
import { BATCH, keysOf, type EngineContext } from "@/lib/queues/context";
import { getErrorGroups } from "@/lib/queues/errorGroups";
import { toDlqEntry } from "@/lib/queues/message";
import { READ_LIMITS, ReadBudget } from "@/lib/queues/read";
import { parseInfo } from "@/lib/redis/info";
import { defineScripts } from "@/lib/redis/scripts";
import { useRedis } from "../helpers/redis";

/** Sixty queues, each with its DLQ: what a dashboard of many queues reads at every refresh. */
const QUEUES = Array.from({ length: 60 }, (_, k) => `q${String(k).padStart(2, "0")}`);
const r = useRedis({ QUEUES: QUEUES.join(",") });
const dlq = (queue: string) => keysOf(r.engine.ctx, queue).dlq;

/** A Redrive-written dead letter (~450 bytes) that failed at `failedAt` with `type`. */
function deadLetter(n: number, failedAt: number, type = "TimeoutError"): Buffer {
  const payload = { id: `m${n}`, job_id: `job-${n}`, filename: `f${n}.pdf`, pad: "p".repeat(200) };
  return toDlqEntry(Buffer.from(JSON.stringify(payload)), {
    error: { type, message: `timed out after ${n % 7} s reading gs://b/${n}.pdf` },
    retryCount: 3,
    failedAt: new Date(failedAt * 1000),
    originalQueue: "q",
  });
}

/** `perQueue` dead letters in each of `queues`, in one pipeline. */
async function fill(queues: string[], perQueue: number): Promise<void> {
  const entries = Array.from({ length: perQueue }, (_, n) => deadLetter(n, r.clock.now - 30));
  const pipeline = r.redis.pipeline();
  for (const q of queues) pipeline.lpush(dlq(q), ...entries);
  await pipeline.exec();
}

/** A context on a connection of its own: its own insights memo, and `timeoutMs` per command. */
function ownContext(timeoutMs = 10_000): EngineContext {
  const redis = new Redis(r.server.url, { maxRetriesPerRequest: 1, commandTimeout: timeoutMs });
  defineScripts(redis);
  return { ...r.engine.ctx, redis };
}

/** buildInsights before bounded concurrency: every queue at once, one shared budget. */
async function everyQueueAtOnce(ctx: EngineContext) {
  const reviews = await readReviews(ctx);
  const budget = new ReadBudget();
  return Promise.allSettled(
    ctx.config.QUEUES.map(async (q) => {
      const groups = await getErrorGroups(ctx, q, BATCH, budget);
      const at = reviews[q]?.at;
      if (at !== undefined) await countNewSince(ctx, q, at, undefined, budget);
      return groups;
    }),
  );
}

/**
 * Runs `work` and, `afterMs` into it (its commands in flight), stops the real
 * redis-server for `forMs`, as a fork, a swapping host or a slow disk does.
 */
async function stalledDuring<T>(work: () => Promise<T>, afterMs: number, forMs: number) {
  const running = work();
  await new Promise((res) => setTimeout(res, afterMs));
  r.server.process.kill("SIGSTOP");
  try {
    await new Promise((res) => setTimeout(res, forMs));
  } finally {
    r.server.process.kill("SIGCONT");
  }
  return running;
}

/** Calls of one Redis command so far (INFO commandstats counts those scripts make too). */
async function calls(command: string): Promise<number> {
  const stats = parseInfo(await r.redis.info("commandstats"));
  return Number(/calls=(\d+)/.exec(stats[`cmdstat_${command}`] ?? "")?.[1] ?? 0);
}

describe("insights of many queues", () => {
  it("should answer insights for many queues within the command timeout when every queue is full and Redis stalls", async () => {
    await fill(QUEUES, BATCH);
    // A third of Redrive's 3 s timeout, and a stall of half of that while the reads are in flight.
    const before = ownContext(1_000);
    const after = ownContext(1_000);
    try {
      const old = await stalledDuring(() => everyQueueAtOnce(before), 50, 500);
      const timedOut = old.filter(
        (o) => o.status === "rejected" && /Command timed out/.test(String(o.reason)),
      );
      // Before: commands queued behind every other queue's reads outlived the timeout.
      expect(timedOut.length).toBeGreaterThan(0);
      const started = Date.now();
      const insights = await stalledDuring(() => buildInsights(after), 50, 500);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(insights.queues.map((q) => q.queue)).toEqual(QUEUES);
      for (const q of insights.queues) expect(q).toMatchObject({ scanned: BATCH, total: BATCH });
      expect(insights.queues[59]!.topErrors[0]!.errorType).toBe("TimeoutError");
    } finally {
      before.redis.disconnect();
      after.redis.disconnect();
    }
  }, 15_000);

  it("should give every queue its share and say where it stopped when the byte budget runs out", async () => {
    // Ten DLQs of 60 entries of 100 KB: each comes back cut to ~80 KB, 48 MB in all,
    // half again the request's 32 MB; the queues are read in turn, four at a time.
    const heavy = QUEUES.slice(0, 10);
    const value = `{"pad":"${"y".repeat(100 * 1024)}"}`;
    const pipeline = r.redis.pipeline();
    for (const q of heavy) pipeline.lpush(dlq(q), ...Array<string>(60).fill(value));
    await pipeline.exec();
    const ctx = ownContext();
    try {
      const insights = await buildInsights(ctx);
      const scanned = insights.queues.slice(0, 10).map((q) => q.scanned);
      const cut = READ_LIMITS.entryHeadBytes + READ_LIMITS.entryTailBytes;
      const share = Math.floor(READ_LIMITS.requestReturnBytes / heavy.length / cut);
      for (const n of scanned) {
        // About its tenth of the budget: less only what empty queues read beside it hold for a moment.
        expect(n).toBeGreaterThanOrEqual(Math.floor(share * 0.9));
        expect(n).toBeLessThan(60);
      }
      expect(scanned.reduce((a, n) => a + n, 0) * cut).toBeLessThanOrEqual(
        READ_LIMITS.requestReturnBytes + heavy.length * cut,
      );
      for (const q of insights.queues.slice(0, 10)) expect(q.total).toBe(60);
    } finally {
      ctx.redis.disconnect();
    }
  });
});

describe("insights memo", () => {
  /** Insights, and how many entry reads (LRANGE, in the readRange script) they cost Redis. */
  async function read(ctx: EngineContext) {
    const before = await calls("lrange");
    const insights = await buildInsights(ctx);
    return { insights, lranges: (await calls("lrange")) - before };
  }
  const of = <Q extends { queue: string }>(i: { queues: Q[] }, queue: string): Q =>
    i.queues.find((q) => q.queue === queue)!;

  it("should not read a DLQ again when it did not change since the last call", async () => {
    await fill(["q00"], BATCH);
    const ctx = ownContext();
    try {
      const cold = await read(ctx);
      const warm = await read(ctx);
      const again = await read(ctx);
      // A page of 16 entries a call: the cold read paid for 1000 entries, the warm ones did not.
      expect(cold.lranges - warm.lranges).toBeGreaterThanOrEqual(BATCH / 16);
      expect(again.lranges).toBe(warm.lranges);
      expect(of(warm.insights, "q00")).toBe(of(cold.insights, "q00"));
      expect(of(warm.insights, "q00")).toMatchObject({ scanned: BATCH, total: BATCH });
    } finally {
      ctx.redis.disconnect();
    }
  });

  /** A change, what the figures then say, and whether the DLQ is read again for it. */
  const changes: [string, () => Promise<void>, (q: QueueFigures) => void, boolean][] = [
    [
      "an entry was pushed",
      async () => void (await r.redis.lpush(dlq("q00"), deadLetter(7, r.clock.now, "DiskFull"))),
      (q) => {
        expect(q.total).toBe(21);
        expect(q.topErrors.map((g) => g.errorType)).toContain("DiskFull");
      },
      // The new entry comes back with the probe that found it (insights-window.ts).
      false,
    ],
    [
      "an entry was removed",
      async () => void (await r.redis.lrem(dlq("q00"), 1, deadLetter(5, r.clock.now - 30))),
      (q) => expect(q).toMatchObject({ total: 19, scanned: 19 }),
      true,
    ],
    [
      "the queue was marked reviewed",
      async () => {
        r.clock.now += 1;
        await markReviewed(r.engine.ctx, "q00", "ana");
      },
      (q) => expect(q.sinceReview).toEqual({ count: 0, atLeast: false, newGroups: [] }),
      // Counted from the window kept: every entry of the DLQ is in it.
      false,
    ],
  ];

  for (const [change, make, check, reads] of changes) {
    it(`should answer the change${reads ? " from a new read" : ""} when ${change}`, async () => {
      await fill(["q00", "q01"], 20);
      const ctx = ownContext();
      try {
        const first = await read(ctx);
        expect(of(first.insights, "q00")).toMatchObject({ total: 20, sinceReview: null });
        await make();
        const next = await read(ctx);
        check(of(next.insights, "q00"));
        expect(of(next.insights, "q00")).not.toBe(of(first.insights, "q00"));
        // Only the queue that changed is read again.
        expect(of(next.insights, "q01")).toBe(of(first.insights, "q01"));
        if (reads) expect(next.lranges).toBeGreaterThan((await read(ctx)).lranges);
        else expect(next.lranges).toBe(0);
      } finally {
        ctx.redis.disconnect();
      }
    });
  }

  it("should read the DLQ again when its figures are older than the maximum age even if the list is the same", async () => {
    // Another producer's entry: its error is in its metadata hash, which the signature does not cover.
    await r.redis.lpush(dlq("q00"), '{"id":"x1","job_id":"j1","filename":"a.pdf"}');
    const hash = "dlq:metadata:j1:a.pdf";
    await r.redis.hset(hash, { error_type: "OldError", error_message: "first" });
    const ctx = ownContext();
    try {
      const typeOf = async () => of(await buildInsights(ctx), "q00").topErrors[0]!.errorType;
      expect(await typeOf()).toBe("OldError");
      await r.redis.hset(hash, { error_type: "NewError" });
      r.clock.now += INSIGHTS_MEMO_MAX_AGE_SECONDS - 1;
      expect(await typeOf()).toBe("OldError");
      r.clock.now += 1;
      expect(await typeOf()).toBe("NewError");
    } finally {
      ctx.redis.disconnect();
    }
  });
});

type QueueFigures = Awaited<ReturnType<typeof buildInsights>>["queues"][number];
