import { describe, expect, it } from "vitest";
import { forRequeue } from "@/lib/queues/message";
import { useRedis } from "../helpers/redis";
import { allKeys, qk } from "../helpers/cluster-mode";

const r = useRedis();

async function fillDlq(queue: string, messages: string[]) {
  for (const m of messages) await r.engine.pushToDlq(queue, m, new Error("boom"), 3);
}

describe("requeueFromDlq", () => {
  it("should move the right message when new ones were pushed in front", async () => {
    await fillDlq("document", ['{"id":"a","retry_count":3}', '{"id":"b","retry_count":3}']);
    const [, seen] = await r.engine.getDlqMessages("document"); // "a" at index 1
    await fillDlq("document", ['{"id":"c"}', '{"id":"d"}']); // "a" is now at index 3
    await r.engine.requeueFromDlq("document", seen!.index, seen!.identity);
    expect(await r.redis.lrange(qk("document_queue"), 0, -1)).toEqual([
      '{"id":"a","retry_count":0}',
    ]);
    const left = await r.engine.getDlqMessages("document");
    expect(left.map((m) => m.identity)).toEqual(["id:d", "id:c", "id:b"]);
    expect(await allKeys(r.redis, "dlq:metadata:*")).toHaveLength(3);
  });

  it("should answer a conflict and move nothing when the message was already requeued", async () => {
    await fillDlq("document", ['{"id":"a"}', '{"id":"b"}']);
    const [first] = await r.engine.getDlqMessages("document");
    await r.engine.requeueFromDlq("document", first!.index, first!.identity);
    await expect(
      r.engine.requeueFromDlq("document", first!.index, first!.identity),
    ).rejects.toMatchObject({ code: "CONFLICT" });
    expect(await r.redis.llen(qk("document_queue"))).toBe(1);
    expect(await r.redis.llen(qk("document_dlq"))).toBe(1);
  });

  it("should move exactly one of two identical messages", async () => {
    await r.redis.lpush(qk("document_dlq"), "same", "other", "same");
    const page = await r.engine.getDlqMessages("document");
    await r.engine.requeueFromDlq("document", page[2]!.index, page[2]!.identity);
    expect(await r.redis.lrange(qk("document_dlq"), 0, -1)).toEqual(["same", "other"]);
    expect(await r.redis.lrange(qk("document_queue"), 0, -1)).toEqual(["same"]);
  });

  it("should keep a 1 MB non-JSON entry byte for byte", async () => {
    const big = Buffer.alloc(1024 * 1024, 0xe9);
    await r.redis.lpush(qk("video_dlq"), big);
    const [m] = await r.engine.getDlqMessages("video");
    expect(m!.bytes).toBe(big.length);
    await r.engine.requeueFromDlq("video", 0, m!.identity);
    expect((await r.redis.lindexBuffer(qk("video_queue"), 0))!.equals(big)).toBe(true);
  });

  it("should requeue a 1 MB JSON message with only retry_count changed", async () => {
    const body = "x".repeat(1024 * 1024);
    const raw = `{"id":"big","body":"${body}","retry_count":3}`;
    await r.engine.pushToDlq("video", raw, new Error("too big"), 3);
    const [m] = await r.engine.getDlqMessages("video");
    expect(m).toMatchObject({ identity: "id:big", errorMessage: "too big" });
    await r.engine.requeueFromDlq("video", 0, m!.identity);
    expect(await r.redis.lindex(qk("video_queue"), 0)).toBe(
      raw.replace('"retry_count":3', '"retry_count":0'),
    );
  });

  it("should keep key order, unicode escapes and big integers when requeued", async () => {
    const raw =
      '{"z":1,"id":"k","n":123456789012345678901234567890,"s":"\\u2603\\ud83d\\ude00","retry_count":3,"error":{"type":"E"},"failed_at":"2026-01-01T00:00:00Z","original_queue":"graph"}';
    await r.redis.lpush(qk("graph_dlq"), raw);
    await r.engine.requeueFromDlq("graph", 0, "id:k");
    expect(await r.redis.lindex(qk("graph_queue"), 0)).toBe(
      '{"z":1,"id":"k","n":123456789012345678901234567890,"s":"\\u2603\\ud83d\\ude00","retry_count":0}',
    );
  });
});

describe("deleteFromDlq and bulk moves", () => {
  it("should delete one message by position and identity", async () => {
    await fillDlq("audio", ['{"id":"a"}', '{"id":"b"}']);
    await r.engine.deleteFromDlq("audio", 0, "id:b");
    expect((await r.engine.getDlqMessages("audio")).map((m) => m.identity)).toEqual(["id:a"]);
    expect(await r.redis.llen(qk("audio_queue"))).toBe(0);
    await expect(r.engine.deleteFromDlq("audio", 0, "id:b")).rejects.toMatchObject({
      code: "CONFLICT",
    });
  });

  it("should requeue many by identity and report the ones that are gone", async () => {
    await fillDlq(
      "audio",
      ["1", "2", "3", "4"].map((id) => `{"id":"${id}"}`),
    );
    const result = await r.engine.requeueMany("audio", [
      { identity: "id:1", index: 3 },
      { identity: "id:3" },
      { identity: "id:9" },
    ]);
    expect(result.moved.sort()).toEqual(["id:1", "id:3"]);
    expect(result.missing).toEqual(["id:9"]);
    expect((await r.engine.getDlqMessages("audio")).map((m) => m.identity)).toEqual([
      "id:4",
      "id:2",
    ]);
    expect(await r.redis.llen(qk("audio_queue"))).toBe(2);
  });

  it("should delete many by identity", async () => {
    await fillDlq(
      "audio",
      ["1", "2", "3"].map((id) => `{"id":"${id}"}`),
    );
    const result = await r.engine.deleteMany("audio", [{ identity: "id:1" }, { identity: "id:2" }]);
    expect(result.moved.sort()).toEqual(["id:1", "id:2"]);
    expect(await r.redis.llen(qk("audio_dlq"))).toBe(1);
  });
});

describe("requeueAll and deleteAll", () => {
  it("should requeue every entry oldest first in batches and reset retry_count", async () => {
    const n = 2_500;
    const values = Array.from({ length: n }, (_, i) => `{"id":"${i}","retry_count":3}`);
    for (let i = 0; i < n; i += 500)
      await r.redis.lpush(qk("document_dlq"), ...values.slice(i, i + 500));
    const progress: number[] = [];
    const result = await r.engine.requeueAll("document", {
      onProgress: (moved) => progress.push(moved),
    });
    expect(result).toEqual({ moved: n, total: n, cancelled: false });
    expect(progress.at(-1)).toBe(n);
    expect(await r.redis.llen(qk("document_dlq"))).toBe(0);
    // Consumers take from the right: the oldest failure comes out first.
    expect(await r.redis.lindex(qk("document_queue"), -1)).toBe('{"id":"0","retry_count":0}');
    expect(await r.redis.lindex(qk("document_queue"), 0)).toBe(`{"id":"${n - 1}","retry_count":0}`);
  });

  it("should leave entries that arrive during the drain", async () => {
    await r.redis.lpush(qk("document_dlq"), "a", "b", "c");
    const result = await r.engine.requeueAll("document", {
      onProgress: () => void r.redis.lpush(qk("document_dlq"), "late"),
      ratePerSecond: 1_000,
    });
    expect(result.moved).toBe(3);
    expect(await r.redis.lrange(qk("document_dlq"), 0, -1)).toEqual(["late"]);
  });

  it("should stop when cancelled", async () => {
    await r.redis.lpush(qk("document_dlq"), ...Array.from({ length: 50 }, (_, i) => `m${i}`));
    const controller = new AbortController();
    const result = await r.engine.requeueAll("document", {
      ratePerSecond: 10,
      signal: controller.signal,
      onProgress: (moved) => moved >= 10 && controller.abort(),
    });
    expect(result.cancelled).toBe(true);
    expect(result.moved).toBe(10);
    expect(await r.redis.llen(qk("document_dlq"))).toBe(40);
  });

  it("should delete all entries and leave their metadata to expire with the retention", async () => {
    await fillDlq("graph", ['{"job_id":"j","filename":"f"}', "x"]);
    const result = await r.engine.deleteAll("graph");
    expect(result.moved).toBe(2);
    expect(await r.redis.exists(qk("graph_dlq"))).toBe(0);
    expect(await r.redis.ttl("dlq:metadata:j:f")).toBeGreaterThan(0);
    expect(await r.redis.llen(qk("graph_queue"))).toBe(0);
  });

  it("should restore Redrive's entries in Redis and foreign ones with the parser, in order", async () => {
    const mine = (id: number) => `{"id":${id},"retry_count":3}`;
    // Oldest first: two of ours, a foreign object, text, one of ours with whitespace, ours.
    await fillDlq("audio", [mine(1), mine(2)]);
    await r.redis.lpush(
      qk("audio_dlq"),
      '{"id":3,"retry_count":3,"error":"py","failed_at":"2026-01-01T00:00:00"}',
      "plain text",
      ' {"id":5, "retry_count":3}',
    );
    await fillDlq("audio", [mine(6), '{"id":7}', "{}"]);
    const expected = (await r.redis.lrangeBuffer(qk("audio_dlq"), 0, -1))
      .reverse()
      .map((b) => forRequeue(b).toString());
    const result = await r.engine.requeueAll("audio");
    expect(result.moved).toBe(8);
    const queue = (await r.redis.lrange(qk("audio_queue"), 0, -1)).reverse();
    expect(queue).toEqual(expected);
    expect(queue).toEqual([
      mine(1).replace(":3}", ":0}"),
      mine(2).replace(":3}", ":0}"),
      '{"id":3,"retry_count":0}',
      "plain text",
      ' {"id":5, "retry_count":0}',
      mine(6).replace(":3}", ":0}"),
      '{"id":7}',
      "{}",
    ]);
  });
});
