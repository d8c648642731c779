import { describe, expect, it } from "vitest";
import { recordSample, readHistory, takeSample, tiers } from "@/lib/metrics/history";
import { buildInsights } from "@/lib/metrics/insights";
import { buildOverview } from "@/lib/metrics/overview";
import { markReviewed } from "@/lib/metrics/review";
import Redis from "ioredis";
import { cacheStatsKey } from "@/lib/cache/counters";
import { readCounters } from "@/lib/queues/counters";
import { startEmbeddedRedis } from "@/scripts/embedded-redis";
import { useRedis } from "../helpers/redis";
import { qk } from "../helpers/cluster-mode";

const r = useRedis({
  ALERT_DLQ_SIZE: "2",
  ALERT_DLQ_GROWTH_PER_HOUR: "0",
  ALERT_DLQ_AGE_HOURS_VIDEO: "1",
  ALERT_DLQ_GROWTH_PER_HOUR_AUDIO: "10",
});

/** Samples at the fixture's clock, then moves it on by `seconds`. */
async function sampleAndWait(seconds: number) {
  await recordSample(r.engine.ctx, await takeSample(r.engine.ctx));
  r.clock.now += seconds;
}

describe("metrics history", () => {
  it("should keep one sample per bucket and tier when several workers sample", async () => {
    const a = await takeSample(r.engine.ctx);
    expect(await recordSample(r.engine.ctx, a)).toBe(3);
    expect(await recordSample(r.engine.ctx, a)).toBe(0);
    r.clock.now += 10;
    // A new 10 s bucket, but still inside the 2 min and 15 min buckets.
    expect(await recordSample(r.engine.ctx, await takeSample(r.engine.ctx))).toBe(1);
    expect(await r.redis.llen(tiers(r.config)["1h"].key)).toBe(2);
    expect(await r.redis.llen(tiers(r.config)["7d"].key)).toBe(1);
  });

  it("should take hit counts from the cache's Redis when CACHE_REDIS_URL names another", async () => {
    const other = await startEmbeddedRedis();
    const cacheRedis = new Redis(other.url, { maxRetriesPerRequest: 1 });
    try {
      await cacheRedis.get("user:miss");
      await cacheRedis.hincrby(cacheStatsKey(r.config), "user:hits", 7);
      await r.redis.hincrby(cacheStatsKey(r.config), "user:hits", 1000);
      const sample = await takeSample({ ...r.engine.ctx, cacheRedis });
      expect(sample.c).toEqual([7, 0]);
      expect(sample.ks[1]).toBe(1);
    } finally {
      cacheRedis.disconnect();
      await other.stop();
    }
  });

  it("should turn counters into rates per minute and lengths into depths", async () => {
    await sampleAndWait(60);
    for (let i = 0; i < 3; i++)
      await r.engine.pushToDlq("document", { id: `d${i}` }, new Error("x"), 3);
    await r.engine.pushToRetryQueue("document", { id: "r" }, 0);
    await r.engine.enqueue("audio", { id: "w" });
    await sampleAndWait(0);
    const { points, stepSeconds } = await readHistory(r.engine.ctx, "1h");
    expect(stepSeconds).toBe(10);
    expect(points).toHaveLength(2);
    expect(points[0]!.queues.document!.failedPerMin).toBeNull();
    expect(points[1]!.queues.document).toMatchObject({
      dlq: 3,
      retry: 1,
      failedPerMin: 4,
      dlqInPerMin: 3,
    });
    expect(points[1]!.queues.audio!.work).toBe(1);
    expect(points[1]!.usedMemory).toBeGreaterThan(0);
  });

  it("should count another producer's dead letters by the DLQ's growth", async () => {
    await sampleAndWait(120);
    await r.redis.lpush(qk("video_dlq"), "not json", "{}");
    await sampleAndWait(0);
    const { points } = await readHistory(r.engine.ctx, "1h");
    expect(points[1]!.queues.video!.dlqInPerMin).toBe(1);
  });

  it("should show only the window asked for and survive a foreign entry in the list", async () => {
    await sampleAndWait(3 * 3600);
    await sampleAndWait(0);
    const older = JSON.stringify({ t: r.clock.now - 5, q: { document: [1, 2] }, ks: [0, 0] });
    await r.redis.lpush(tiers(r.config)["1h"].key, "garbage", older);
    const hour = await readHistory(r.engine.ctx, "1h");
    expect(hour.points).toHaveLength(1);
    const day = await readHistory(r.engine.ctx, "24h");
    expect(day.points).toHaveLength(2);
  });
});

describe("overview", () => {
  it("should raise size, growth and age alerts from the thresholds and the history", async () => {
    await r.engine.pushToDlq("video", { id: "v" }, new Error("x"), 3);
    r.clock.now += 2 * 3600;
    await sampleAndWait(600);
    for (let i = 0; i < 3; i++) {
      await r.engine.pushToDlq("document", { id: `d${i}` }, new Error("x"), 3);
      await r.engine.pushToDlq("audio", { id: `a${i}` }, new Error("x"), 3);
    }
    await sampleAndWait(0);
    const overview = await buildOverview(r.engine.ctx);
    const kinds = (queue: string) =>
      overview.queues.find((q) => q.queue === queue)!.alerts.map((a) => a.kind);
    // document: 3 > 2 entries; audio: also +3 in 10 minutes = 18 an hour > 10; video: 2 h > 1 h old.
    expect(kinds("document")).toEqual(["dlq_size"]);
    expect(kinds("audio")).toEqual(["dlq_size", "dlq_growth"]);
    expect(kinds("video")).toEqual(["dlq_age"]);
    expect(kinds("graph")).toEqual([]);
    expect(overview.alerts).toHaveLength(4);
  });

  it("should not inflate the growth when the history stopped a while ago", async () => {
    await sampleAndWait(600);
    await sampleAndWait(0);
    // The worker service stopped; 50 minutes later the DLQ has grown by 60.
    r.clock.now += 3000;
    for (let i = 0; i < 60; i++)
      await r.engine.pushToDlq("graph", { id: `g${i}` }, new Error("x"), 3);
    const overview = await buildOverview(r.engine.ctx);
    // 60 over the 3600 s since the first sample, not over the 600 s of history.
    expect(overview.queues.find((q) => q.queue === "graph")!.dlqGrowthPerHour).toBeCloseTo(60, 0);
  });

  it("should draw the trend from the stored history when it was replaced between two reads", async () => {
    const trend = async () =>
      (await buildOverview(r.engine.ctx)).queues.find((q) => q.queue === "video")!.trend;
    await r.engine.pushToDlq("video", { id: "v1" }, new Error("x"), 3);
    await sampleAndWait(0);
    expect(await trend()).toEqual([1]);
    // The same bucket written again with other lengths: parsed samples are known by their text.
    const ctx = r.engine.ctx;
    // One key a call: on a Cluster the tiers' keys are in different slots.
    for (const t of Object.values(tiers(ctx.config))) await ctx.redis.del(t.key);
    await r.engine.pushToDlq("video", { id: "v2" }, new Error("x"), 3);
    await sampleAndWait(0);
    expect(await trend()).toEqual([2]);
  });

  it("should count the entries a requeue-all resolved, with their estimated wait", async () => {
    for (let i = 0; i < 10; i++) {
      await r.engine.pushToDlq("audio", { id: `a${i}` }, new Error("x"), 3);
      r.clock.now += 60; // entries failed 600, 540, … 60 s before the drain
    }
    await r.engine.requeueAll("audio");
    const audio = (await buildOverview(r.engine.ctx)).queues.find((q) => q.queue === "audio")!;
    expect(audio.resolved.count).toBe(10);
    expect(audio.resolved.meanWaitSeconds).toBeCloseTo(330, 0);
    // GET /api/metrics's redrive_requeued_total, counted in the same round trip.
    expect((await readCounters(r.engine.ctx)).audio).toMatchObject({ requeued: 10, deleted: 0 });
  });

  it("should report the mean wait of resolved entries", async () => {
    await r.engine.pushToDlq("document", { id: "a" }, new Error("x"), 3);
    r.clock.now += 300;
    const [m] = await r.engine.getDlqMessages("document");
    await r.engine.requeueFromDlq("document", m!.index, m!.identity);
    const doc = (await buildOverview(r.engine.ctx)).queues.find((q) => q.queue === "document")!;
    expect(doc.resolved).toEqual({ count: 1, meanWaitSeconds: 300 });
  });
});

describe("daily review", () => {
  it("should count the messages and list the error groups that are new since the review", async () => {
    await r.engine.pushToDlq("document", { id: "old" }, new TypeError("bad input 1"), 3);
    r.clock.now += 60;
    await markReviewed(r.engine.ctx, "document", "ana");
    r.clock.now += 60;
    await r.engine.pushToDlq("document", { id: "n1" }, new TypeError("bad input 2"), 3);
    await r.engine.pushToDlq("document", { id: "n2" }, new RangeError("disk full on /var/x"), 1);
    const insights = await buildInsights(r.engine.ctx);
    const doc = insights.queues.find((q) => q.queue === "document")!;
    expect(doc.sinceReview?.count).toBe(2);
    expect(doc.sinceReview?.newGroups.map((g) => g.errorType)).toEqual(["RangeError"]);
    expect(doc.topErrors[0]).toMatchObject({ errorType: "TypeError", count: 2 });
    expect(doc.averageRetryCount).toBeCloseTo(7 / 3);
    expect(insights.queues.find((q) => q.queue === "audio")!.sinceReview).toBeNull();
  });
});
