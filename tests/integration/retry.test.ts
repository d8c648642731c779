import { VERSION } from "@/lib/version";
import { describe, expect, it } from "vitest";
import { readHeartbeats } from "@/lib/heartbeat";
import { RetryWorkerService } from "@/lib/worker/service";
import { QueueEngine } from "@/lib/queues/engine";
import { useRedis } from "../helpers/redis";
import { qk } from "../helpers/cluster-mode";
import { readCounters } from "@/lib/queues/counters";

const r = useRedis();
const quiet = () => {};

describe("pushToRetryQueue", () => {
  it("should score the due time in epoch seconds with backoff and increment retry_count", async () => {
    const due = await r.engine.pushToRetryQueue("document", '{"id":"a","retry_count":1}', 1);
    expect(due).toBeGreaterThanOrEqual(r.clock.now + 120);
    expect(due).toBeLessThan(r.clock.now + 132);
    const [member, score] = await r.redis.zrange(qk("document_retry"), "0", "-1", "WITHSCORES");
    expect(member).toBe('{"id":"a","retry_count":2}');
    expect(Number(score)).toBeCloseTo(due, 3);
  });

  it("should keep two identical messages apart instead of merging them", async () => {
    await r.engine.pushToRetryQueue("document", "same", 0);
    await r.engine.pushToRetryQueue("document", '{"a":1}', 0);
    await r.engine.pushToRetryQueue("document", '{"a":1}', 0);
    expect(await r.redis.zcard(qk("document_retry"))).toBe(3);
  });

  it("should refuse, not spin, when an identical message that is not JSON is already scheduled", async () => {
    await r.engine.pushToRetryQueue("document", "same text", 0);
    await expect(r.engine.pushToRetryQueue("document", "same text", 0)).rejects.toMatchObject({
      code: "CONFLICT",
    });
    expect(await r.redis.zcard(qk("document_retry"))).toBe(1);
  }, 10_000);
});

describe("getReadyRetries and promoteDue", () => {
  it("should promote a retry scored with a float timestamp as Python's time.time() writes it", async () => {
    const pythonScore = r.clock.now - 0.123456; // e.g. 1800000000.876544
    await r.redis.zadd(
      qk("audio_retry"),
      pythonScore.toFixed(6),
      '{"job_id":"py","retry_count":1}',
    );
    await r.redis.zadd(qk("audio_retry"), (r.clock.now + 0.5).toFixed(6), '{"job_id":"later"}');
    expect((await r.engine.getReadyRetries("audio")).map((x) => x.raw.toString())).toEqual([
      '{"job_id":"py","retry_count":1}',
    ]);
    expect(await r.engine.promoteDue("audio")).toBe(1);
    expect(await r.redis.lrange(qk("audio_queue"), 0, -1)).toEqual([
      '{"job_id":"py","retry_count":1}',
    ]);
    expect(await r.redis.zrange(qk("audio_retry"), "0", "-1")).toEqual(['{"job_id":"later"}']);
  });

  it("should promote more than one batch in due order", async () => {
    const args: (string | number)[] = [];
    for (let i = 0; i < 2_345; i++) args.push(r.clock.now - 10_000 + i, `m${i}`);
    await r.redis.zadd(qk("video_retry"), ...args);
    expect(await r.engine.promoteDue("video")).toBe(2_345);
    expect(await r.redis.lindex(qk("video_queue"), -1)).toBe("m0");
    expect(await r.redis.zcard(qk("video_retry"))).toBe(0);
    // GET /api/metrics's redrive_retries_promoted_total.
    expect((await readCounters(r.engine.ctx)).video!.promoted).toBe(2_345);
  });

  it("should list scheduled retries soonest first", async () => {
    await r.redis.zadd(qk("graph_retry"), 30, "c", 10, "a", 20, "b");
    expect(
      (await r.engine.getRetries("graph", 1, 5)).map((x) => [x.raw.toString(), x.due]),
    ).toEqual([
      ["b", 20],
      ["c", 30],
    ]);
  });
});

describe("RetryWorkerService", () => {
  it("should promote each of 10 000 due messages exactly once when two services run at once", async () => {
    const n = 10_000;
    for (let i = 0; i < n; i += 1000) {
      const args: (string | number)[] = [];
      for (let j = i; j < i + 1000; j++) args.push(r.clock.now - 1, `{"id":${j}}`);
      await r.redis.zadd(qk("document_retry"), ...args);
    }
    const a = r.connect();
    const b = r.connect();
    const one = new RetryWorkerService(new QueueEngine(a, r.config, () => r.clock.now).ctx, quiet);
    const two = new RetryWorkerService(new QueueEngine(b, r.config, () => r.clock.now).ctx, quiet);
    const [ra, rb] = await Promise.all([one.runOnce(), two.runOnce()]);
    expect(ra.promoted.document! + rb.promoted.document!).toBe(n);
    const moved = await r.redis.lrange(qk("document_queue"), 0, -1);
    expect(moved).toHaveLength(n);
    expect(new Set(moved).size).toBe(n);
    a.disconnect();
    b.disconnect();
  });

  it("should write a heartbeat with its version and last run's figures", async () => {
    const service = new RetryWorkerService(r.engine.ctx, quiet);
    await r.redis.zadd(qk("audio_retry"), String(r.clock.now - 1), "x");
    await service.runOnce();
    const [beat] = await readHeartbeats(r.engine.ctx);
    expect(beat).toMatchObject({
      instanceId: service.instanceId,
      version: VERSION,
      lastRunAt: r.clock.now,
    });
    expect(beat!.lastRun.promoted.audio).toBe(1);
  });

  it("should purge DLQ entries past the retention on its run", async () => {
    await r.engine.pushToDlq("graph", { id: "old" }, new Error("x"), 3);
    r.clock.now += 8 * 86_400;
    const report = await new RetryWorkerService(r.engine.ctx, quiet).runOnce();
    expect(report.purged.graph).toBe(1);
  });
});

describe("retry now", () => {
  it("should move one scheduled retry at once, found by identity when its rank changed", async () => {
    await r.redis.zadd(qk("document_retry"), "100", '{"id":"a"}', "200", '{"id":"b"}');
    await r.redis.zadd(qk("document_retry"), "50", '{"id":"c"}'); // "b" moves from rank 1 to rank 2
    await r.engine.retryNow("document", 1, "id:b");
    expect(await r.redis.lrange(qk("document_queue"), 0, -1)).toEqual(['{"id":"b"}']);
    await expect(r.engine.retryNow("document", 1, "id:b")).rejects.toMatchObject({
      code: "CONFLICT",
    });
  });

  it("should move every scheduled retry, due or not", async () => {
    const args: string[] = [];
    for (let i = 0; i < 1500; i++) args.push(String(r.clock.now + 1000 + i), `m${i}`);
    await r.redis.zadd(qk("audio_retry"), ...args);
    expect(await r.engine.retryAllNow("audio")).toBe(1500);
    expect(await r.redis.zcard(qk("audio_retry"))).toBe(0);
    expect(await r.redis.lindex(qk("audio_queue"), -1)).toBe("m0");
  });
});
