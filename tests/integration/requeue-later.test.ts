import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { useRedis } from "../helpers/redis";
import { allKeys, qk } from "../helpers/cluster-mode";

/** Requeue later: dead letters into their queue's retry set, due at a chosen time. */
const r = useRedis();
const sha1Of = (text: string) => createHash("sha1").update(text).digest("hex");

async function fillDlq(queue: string, messages: string[]) {
  for (const m of messages) await r.engine.pushToDlq(queue, m, new Error("boom"), 3);
}

const scheduled = async (queue: string) =>
  r.redis.zrange(qk(`${queue}_retry`), "0", "-1", "WITHSCORES");

describe("requeue later", () => {
  it("should move a dead letter into the retry set at the chosen time, restored as a requeue restores it", async () => {
    await fillDlq("document", ['{"id":"a","retry_count":3}', '{"id":"b"}']);
    const at = r.clock.now + 3600;
    const result = await r.engine.moveMany(
      "document",
      [{ identity: "id:a", index: 1 }],
      "requeue",
      {
        at,
      },
    );
    expect(result).toEqual({ moved: ["id:a"], missing: [] });
    expect(await scheduled("document")).toEqual(['{"id":"a","retry_count":0}', String(at)]);
    expect(await r.redis.llen(qk("document_queue"))).toBe(0);
    expect((await r.engine.getDlqMessages("document")).map((m) => m.identity)).toEqual(["id:b"]);
    expect(await allKeys(r.redis, "dlq:metadata:*")).toHaveLength(1);
  });

  it("should keep two identical messages apart, and apart from an identical one already scheduled", async () => {
    await r.redis.zadd(qk("audio_retry"), r.clock.now + 60, '{"x":1}');
    await fillDlq("audio", ['{"x":1}', '{"x":1}']);
    const dead = await r.engine.getDlqMessages("audio");
    const targets = dead.map((m) => ({ identity: m.identity, index: m.index }));
    const result = await r.engine.moveMany("audio", targets, "requeue", { at: r.clock.now + 600 });
    expect(result.moved).toHaveLength(2);
    const members = await r.redis.zrange(qk("audio_retry"), "0", "-1");
    expect(members).toHaveLength(3);
    // The one already there unchanged; each newcomer made unique by a retry nonce.
    expect(members.filter((m) => m === '{"x":1}')).toHaveLength(1);
    expect(members.filter((m) => /^\{"x":1,"retry_nonce":"[\w-]+"\}$/.test(m))).toHaveLength(2);
    expect(await r.redis.llen(qk("audio_dlq"))).toBe(0);
  });

  it("should refuse, leaving it in the DLQ, a message that is not JSON and is already scheduled", async () => {
    await r.redis.zadd(qk("audio_retry"), r.clock.now + 60, "plain text");
    await r.redis.lpush(qk("audio_dlq"), "plain text");
    await expect(
      r.engine.moveFromDlq("audio", 0, `h:${sha1Of("plain text")}`, "requeue", {
        at: r.clock.now + 600,
      }),
    ).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringContaining("not a JSON object"),
    });
    expect(await r.redis.lrange(qk("audio_dlq"), 0, -1)).toEqual(["plain text"]);
    expect(await r.redis.zcard(qk("audio_retry"))).toBe(1);
  });

  it("should be promoted to the work queue by the worker once due, not before", async () => {
    await fillDlq("video", ['{"id":"v"}']);
    const [m] = await r.engine.getDlqMessages("video");
    await r.engine.moveFromDlq("video", m!.index, m!.identity, "requeue", {
      at: r.clock.now + 120,
    });
    expect(await r.engine.promoteDue("video")).toBe(0);
    r.clock.now += 121;
    expect(await r.engine.promoteDue("video")).toBe(1);
    expect(await r.redis.lrange(qk("video_queue"), 0, -1)).toEqual(['{"id":"v"}']);
  });

  it("should answer a conflict and schedule nothing when the message is gone", async () => {
    await fillDlq("video", ['{"id":"v"}']);
    const [m] = await r.engine.getDlqMessages("video");
    await r.engine.moveFromDlq("video", m!.index, m!.identity, "delete");
    await expect(
      r.engine.moveFromDlq("video", m!.index, m!.identity, "requeue", { at: r.clock.now + 60 }),
    ).rejects.toMatchObject({ code: "CONFLICT" });
    expect(await r.redis.zcard(qk("video_retry"))).toBe(0);
  });
});
