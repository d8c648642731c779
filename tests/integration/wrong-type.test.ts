import { describe, expect, it } from "vitest";
import { processOne, recoverAbandoned } from "@/lib/worker/processor";
import { useRedis } from "../helpers/redis";

/**
 * A destination key of another type (someone SET the work queue's name, or a
 * second app uses it) makes the push of a move fail. Scripts' writes are not
 * undone, so a script that removed the message first would lose it: each
 * move refuses first, or pushes first, and the message stays where it was.
 */

const r = useRedis();
const WORK = "document_queue";
const PROCESSING = "document_queue:processing";

async function take(): Promise<Buffer> {
  return (await r.redis.lmoveBuffer(WORK, PROCESSING, "RIGHT", "LEFT"))!;
}

describe("moves onto a key of another type", () => {
  it("should keep Redrive-written entries in the DLQ when requeue all cannot push them", async () => {
    await r.engine.pushToDlq("document", { id: "a" }, new Error("boom"), 3);
    await r.redis.set(WORK, "x");
    await expect(r.engine.requeueAll("document")).rejects.toThrow(/WRONGTYPE/);
    expect(await r.redis.llen("document_dlq")).toBe(1);
  });

  it("should keep an entry requeued by its index in the DLQ, not a tombstone", async () => {
    await r.engine.pushToDlq("document", { id: "a" }, new Error("boom"), 3);
    const before = await r.redis.lrange("document_dlq", 0, -1);
    await r.redis.set(WORK, "x");
    await expect(r.engine.requeueFromDlq("document", 0, "id:a")).rejects.toThrow(/WRONGTYPE/);
    expect(await r.redis.lrange("document_dlq", 0, -1)).toEqual(before);
  });

  it("should keep a scheduled retry scheduled when retry now cannot push it", async () => {
    await r.engine.pushToRetryQueue("document", { id: "a" }, 1);
    await r.redis.set(WORK, "x");
    await expect(r.engine.retryNow("document", 0, "id:a")).rejects.toThrow(/WRONGTYPE/);
    expect(await r.redis.zcard("document_retry")).toBe(1);
  });

  it("should keep a failed message in the processing list when its DLQ or retry set is of another type", async () => {
    await r.engine.enqueue("document", '{"id":"last","retry_count":3}');
    await r.engine.enqueue("document", '{"id":"again","retry_count":0}');
    await r.redis.set("document_dlq", "x");
    await r.redis.set("document_retry", "x");
    const handler = async () => {
      throw new Error("boom");
    };
    for (let i = 0; i < 2; i++) {
      await expect(
        processOne(r.engine.ctx, { queue: "document", handler }, await take()),
      ).rejects.toThrow(/WRONGTYPE/);
    }
    expect(await r.redis.llen(PROCESSING)).toBe(2);
  });

  it("should keep an abandoned message in the processing list when its work queue is of another type", async () => {
    await r.engine.enqueue("video", { id: "orphan" });
    await r.redis.lmove("video_queue", "video_queue:processing", "RIGHT", "LEFT");
    await r.redis.set("video_queue", "x");
    expect(await recoverAbandoned(r.engine.ctx, "video")).toBe(0);
    r.clock.now += 61;
    await expect(recoverAbandoned(r.engine.ctx, "video")).rejects.toThrow(/WRONGTYPE/);
    expect(await r.redis.llen("video_queue:processing")).toBe(1);
  });
});
