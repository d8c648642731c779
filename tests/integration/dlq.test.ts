import { describe, expect, it } from "vitest";
import { getErrorGroups } from "@/lib/queues/errorGroups";
import { EngineError } from "@/lib/queues/errors";
import { forRequeue, sha1 } from "@/lib/queues/message";
import { useRedis } from "../helpers/redis";

const r = useRedis();

async function fillDlq(queue: string, messages: string[]) {
  for (const m of messages) await r.engine.pushToDlq(queue, m, new Error("boom"), 3);
}

describe("pushToDlq and getDlqMessages", () => {
  it("should read a bounded part of a huge metadata hash, and none of a missing one", async () => {
    const fields: Record<string, string> = {};
    for (let i = 0; i < 5000; i++) fields[`f${i}`] = "x";
    await r.redis.hset("dlq:metadata:big:f", fields);
    await r.redis.lpush("document_dlq", '{"job_id":"big","filename":"f"}', '{"job_id":"none"}');
    const [none, big] = await r.engine.getDlqMessages("document");
    expect(none!.metadata).toBeNull();
    const read = Object.keys(big!.metadata ?? {}).length;
    expect(read).toBeGreaterThan(0);
    expect(read).toBeLessThanOrEqual(64);
  });

  it("should show the newest first with error details and the metadata hash", async () => {
    await fillDlq("document", [
      '{"job_id":"j1","filename":"a.pdf","retry_count":3}',
      '{"job_id":"j2","filename":"b.pdf"}',
    ]);
    const page = await r.engine.getDlqMessages("document", 0, 10);
    expect(page.map((m) => m.jobId)).toEqual(["j2", "j1"]);
    expect(page[1]).toMatchObject({
      index: 1,
      errorType: "Error",
      errorMessage: "boom",
      retryCount: 3,
      originalQueue: "document",
      failedAt: r.clock.now,
      metadataKey: "dlq:metadata:j1:a.pdf",
    });
    expect(page[1]!.metadata).toMatchObject({
      job_id: "j1",
      filename: "a.pdf",
      error_message: "boom",
    });
    expect(await r.redis.ttl("dlq:metadata:j1:a.pdf")).toBe(7 * 86_400);
    expect(await r.engine.getDlqCount("document")).toBe(2);
  });

  it("should page by offset and limit", async () => {
    await fillDlq(
      "audio",
      Array.from({ length: 30 }, (_, i) => `{"id":"m${i}"}`),
    );
    const page = await r.engine.getDlqMessages("audio", 10, 5);
    expect(page.map((m) => m.identity)).toEqual(["id:m19", "id:m18", "id:m17", "id:m16", "id:m15"]);
    expect(page[0]!.index).toBe(10);
  });

  it("should show foreign entries written by another producer without failing", async () => {
    const meta = {
      error_type: "ValueError",
      error_message: "bad pdf",
      failed_at: "2026-11-20T08:00:00",
      retry_count: "3",
    };
    await r.redis.hset("dlq:metadata:py-1:x.pdf", meta);
    await r.redis.lpush(
      "document_dlq",
      '{"job_id":"py-1","filename":"x.pdf","retry_count":3}',
      "not json at all",
      '{"no":"ids"}',
      Buffer.from([0xff, 0x00]),
    );
    const page = await r.engine.getDlqMessages("document");
    expect(page).toHaveLength(4);
    expect(page[3]).toMatchObject({
      errorType: "ValueError",
      errorMessage: "bad pdf",
      retryCount: 3,
      isJson: true,
    });
    expect(page[3]!.failedAt).toBe(Date.parse("2026-11-20T08:00:00Z") / 1000);
    expect(page[2]).toMatchObject({
      isJson: false,
      raw: "not json at all",
      payload: null,
      identity: `h:${sha1("not json at all")}`,
    });
    expect(page[0]!.bytes).toBe(2);
  });

  it("should reject a bad offset or limit with a typed error", async () => {
    await expect(r.engine.getDlqMessages("document", -1, 10)).rejects.toBeInstanceOf(EngineError);
    await expect(r.engine.getDlqMessages("document", 0, 5000)).rejects.toThrow(/limit/);
    await expect(r.engine.getDlqMessages("nope", 0, 5)).rejects.toThrow(/Unknown queue/);
  });
});

describe("two failures of one job and file", () => {
  const older = '{"job_id":"j7","filename":"a.pdf","try":1}';
  const newer = '{"job_id":"j7","filename":"a.pdf","try":2}';

  it("should join the shared metadata hash only to the entry it describes", async () => {
    await r.engine.pushToDlq("document", older, new Error("first cause"), 3);
    await r.engine.pushToDlq("document", newer, new Error("second cause"), 3);
    const [b, a] = await r.engine.getDlqMessages("document");
    expect(b!.metadata?.error_message).toBe("second cause");
    expect(a!.metadata).toBeNull();
    expect(a!.errorMessage).toBe("first cause");
    const groups = await getErrorGroups(r.engine.ctx, "document");
    expect(groups.groups.map((g) => g.example).sort()).toEqual(["first cause", "second cause"]);
  });

  it("should keep the newer entry's metadata when the older one is requeued or deleted", async () => {
    await r.engine.pushToDlq("document", older, new Error("first cause"), 3);
    await r.engine.pushToDlq("document", newer, new Error("second cause"), 3);
    const [, a] = await r.engine.getDlqMessages("document");
    await r.engine.requeueFromDlq("document", a!.index, a!.identity);
    expect(await r.redis.hget("dlq:metadata:j7:a.pdf", "error_message")).toBe("second cause");
    const [b] = await r.engine.getDlqMessages("document");
    await r.engine.deleteFromDlq("document", b!.index, b!.identity);
    expect(await r.redis.exists("dlq:metadata:j7:a.pdf")).toBe(0);
  });
});

describe("requeueFromDlq", () => {
  it("should move the right message when new ones were pushed in front", async () => {
    await fillDlq("document", ['{"id":"a","retry_count":3}', '{"id":"b","retry_count":3}']);
    const [, seen] = await r.engine.getDlqMessages("document"); // "a" at index 1
    await fillDlq("document", ['{"id":"c"}', '{"id":"d"}']); // "a" is now at index 3
    await r.engine.requeueFromDlq("document", seen!.index, seen!.identity);
    expect(await r.redis.lrange("document_queue", 0, -1)).toEqual(['{"id":"a","retry_count":0}']);
    const left = await r.engine.getDlqMessages("document");
    expect(left.map((m) => m.identity)).toEqual(["id:d", "id:c", "id:b"]);
    expect(await r.redis.keys("dlq:metadata:*")).toHaveLength(3);
  });

  it("should answer a conflict and move nothing when the message was already requeued", async () => {
    await fillDlq("document", ['{"id":"a"}', '{"id":"b"}']);
    const [first] = await r.engine.getDlqMessages("document");
    await r.engine.requeueFromDlq("document", first!.index, first!.identity);
    await expect(
      r.engine.requeueFromDlq("document", first!.index, first!.identity),
    ).rejects.toMatchObject({ code: "CONFLICT" });
    expect(await r.redis.llen("document_queue")).toBe(1);
    expect(await r.redis.llen("document_dlq")).toBe(1);
  });

  it("should move exactly one of two identical messages", async () => {
    await r.redis.lpush("document_dlq", "same", "other", "same");
    const page = await r.engine.getDlqMessages("document");
    await r.engine.requeueFromDlq("document", page[2]!.index, page[2]!.identity);
    expect(await r.redis.lrange("document_dlq", 0, -1)).toEqual(["same", "other"]);
    expect(await r.redis.lrange("document_queue", 0, -1)).toEqual(["same"]);
  });

  it("should keep a 1 MB non-JSON entry byte for byte", async () => {
    const big = Buffer.alloc(1024 * 1024, 0xe9);
    await r.redis.lpush("video_dlq", big);
    const [m] = await r.engine.getDlqMessages("video");
    expect(m!.bytes).toBe(big.length);
    await r.engine.requeueFromDlq("video", 0, m!.identity);
    expect((await r.redis.lindexBuffer("video_queue", 0))!.equals(big)).toBe(true);
  });

  it("should requeue a 1 MB JSON message with only retry_count changed", async () => {
    const body = "x".repeat(1024 * 1024);
    const raw = `{"id":"big","body":"${body}","retry_count":3}`;
    await r.engine.pushToDlq("video", raw, new Error("too big"), 3);
    const [m] = await r.engine.getDlqMessages("video");
    expect(m).toMatchObject({ identity: "id:big", errorMessage: "too big" });
    await r.engine.requeueFromDlq("video", 0, m!.identity);
    expect(await r.redis.lindex("video_queue", 0)).toBe(
      raw.replace('"retry_count":3', '"retry_count":0'),
    );
  });

  it("should keep key order, unicode escapes and big integers when requeued", async () => {
    const raw =
      '{"z":1,"id":"k","n":123456789012345678901234567890,"s":"\\u2603\\ud83d\\ude00","retry_count":3,"error":{"type":"E"},"failed_at":"2026-01-01T00:00:00Z","original_queue":"graph"}';
    await r.redis.lpush("graph_dlq", raw);
    await r.engine.requeueFromDlq("graph", 0, "id:k");
    expect(await r.redis.lindex("graph_queue", 0)).toBe(
      '{"z":1,"id":"k","n":123456789012345678901234567890,"s":"\\u2603\\ud83d\\ude00","retry_count":0}',
    );
  });
});

describe("deleteFromDlq and bulk moves", () => {
  it("should delete one message by position and identity", async () => {
    await fillDlq("audio", ['{"id":"a"}', '{"id":"b"}']);
    await r.engine.deleteFromDlq("audio", 0, "id:b");
    expect((await r.engine.getDlqMessages("audio")).map((m) => m.identity)).toEqual(["id:a"]);
    expect(await r.redis.llen("audio_queue")).toBe(0);
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
    expect(await r.redis.llen("audio_queue")).toBe(2);
  });

  it("should delete many by identity", async () => {
    await fillDlq(
      "audio",
      ["1", "2", "3"].map((id) => `{"id":"${id}"}`),
    );
    const result = await r.engine.deleteMany("audio", [{ identity: "id:1" }, { identity: "id:2" }]);
    expect(result.moved.sort()).toEqual(["id:1", "id:2"]);
    expect(await r.redis.llen("audio_dlq")).toBe(1);
  });
});

describe("requeueAll and deleteAll", () => {
  it("should requeue every entry oldest first in batches and reset retry_count", async () => {
    const n = 2_500;
    const values = Array.from({ length: n }, (_, i) => `{"id":"${i}","retry_count":3}`);
    for (let i = 0; i < n; i += 500)
      await r.redis.lpush("document_dlq", ...values.slice(i, i + 500));
    const progress: number[] = [];
    const result = await r.engine.requeueAll("document", {
      onProgress: (moved) => progress.push(moved),
    });
    expect(result).toEqual({ moved: n, total: n, cancelled: false });
    expect(progress.at(-1)).toBe(n);
    expect(await r.redis.llen("document_dlq")).toBe(0);
    // Consumers take from the right: the oldest failure comes out first.
    expect(await r.redis.lindex("document_queue", -1)).toBe('{"id":"0","retry_count":0}');
    expect(await r.redis.lindex("document_queue", 0)).toBe(`{"id":"${n - 1}","retry_count":0}`);
  });

  it("should leave entries that arrive during the drain", async () => {
    await r.redis.lpush("document_dlq", "a", "b", "c");
    const result = await r.engine.requeueAll("document", {
      onProgress: () => void r.redis.lpush("document_dlq", "late"),
      ratePerSecond: 1_000,
    });
    expect(result.moved).toBe(3);
    expect(await r.redis.lrange("document_dlq", 0, -1)).toEqual(["late"]);
  });

  it("should stop when cancelled", async () => {
    await r.redis.lpush("document_dlq", ...Array.from({ length: 50 }, (_, i) => `m${i}`));
    const controller = new AbortController();
    const result = await r.engine.requeueAll("document", {
      ratePerSecond: 10,
      signal: controller.signal,
      onProgress: (moved) => moved >= 10 && controller.abort(),
    });
    expect(result.cancelled).toBe(true);
    expect(result.moved).toBe(10);
    expect(await r.redis.llen("document_dlq")).toBe(40);
  });

  it("should delete all entries and leave their metadata to expire with the retention", async () => {
    await fillDlq("graph", ['{"job_id":"j","filename":"f"}', "x"]);
    const result = await r.engine.deleteAll("graph");
    expect(result.moved).toBe(2);
    expect(await r.redis.exists("graph_dlq")).toBe(0);
    expect(await r.redis.ttl("dlq:metadata:j:f")).toBeGreaterThan(0);
    expect(await r.redis.llen("graph_queue")).toBe(0);
  });

  it("should restore Redrive's entries in Redis and foreign ones with the parser, in order", async () => {
    const mine = (id: number) => `{"id":${id},"retry_count":3}`;
    // Oldest first: two of ours, a foreign object, text, one of ours with whitespace, ours.
    await fillDlq("audio", [mine(1), mine(2)]);
    await r.redis.lpush(
      "audio_dlq",
      '{"id":3,"retry_count":3,"error":"py","failed_at":"2026-01-01T00:00:00"}',
      "plain text",
      ' {"id":5, "retry_count":3}',
    );
    await fillDlq("audio", [mine(6), '{"id":7}', "{}"]);
    const expected = (await r.redis.lrangeBuffer("audio_dlq", 0, -1))
      .reverse()
      .map((b) => forRequeue(b).toString());
    const result = await r.engine.requeueAll("audio");
    expect(result.moved).toBe(8);
    const queue = (await r.redis.lrange("audio_queue", 0, -1)).reverse();
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

describe("purgeExpired", () => {
  const day = 86_400;

  it("should delete entries older than the retention and keep the one exactly at the boundary", async () => {
    const now = r.clock.now;
    const at = (t: number) =>
      `{"id":"${t}","failed_at":${JSON.stringify(new Date(t * 1000).toISOString())}}`;
    const old1 = now - 7 * day - 10;
    const old2 = now - 7 * day - 0.001 * 1000;
    const boundary = now - 7 * day;
    const fresh = now - day;
    await r.redis.lpush("document_dlq", at(old1), at(old2), at(boundary), at(fresh));
    expect(await r.engine.purgeExpired("document")).toBe(2);
    expect((await r.engine.getDlqMessages("document")).map((m) => m.identity)).toEqual([
      `id:${fresh}`,
      `id:${boundary}`,
    ]);
  });

  it("should purge undated entries only when a newer dated entry is past the retention", async () => {
    const now = r.clock.now;
    const old = JSON.stringify({ failed_at: new Date((now - 8 * day) * 1000).toISOString() });
    const young = JSON.stringify({ failed_at: new Date((now - day) * 1000).toISOString() });
    // Oldest first: undated, old, undated, young, undated.
    await r.redis.lpush("document_dlq", "u1", old, "u2", young, "u3");
    expect(await r.engine.purgeExpired("document")).toBe(2);
    expect(await r.redis.lrange("document_dlq", 0, -1)).toEqual(["u3", young, "u2"]);
  });

  it("should date a foreign entry by its metadata hash", async () => {
    const now = r.clock.now;
    await r.redis.hset(
      "dlq:metadata:p:f",
      "failed_at",
      new Date((now - 9 * day) * 1000).toISOString().replace("Z", ""),
    );
    await r.redis.lpush("audio_dlq", '{"job_id":"p","filename":"f"}');
    expect(await r.engine.purgeExpired("audio")).toBe(1);
  });
});

describe("getStats", () => {
  it("should date a foreign oldest entry by its metadata hash", async () => {
    await r.redis.hset(
      "dlq:metadata:p1:a.pdf",
      "failed_at",
      new Date((r.clock.now - 600) * 1000).toISOString(),
    );
    await r.redis.lpush("graph_dlq", '{"job_id":"p1","filename":"a.pdf"}');
    await r.redis.lpush("audio_dlq", "not json");
    const stats = await r.engine.getStats();
    expect(stats.find((s) => s.queue === "graph")!.oldestDlqAgeSeconds).toBeCloseTo(600, 0);
    expect(stats.find((s) => s.queue === "audio")!.oldestDlqAgeSeconds).toBeNull();
  });

  it("should report every queue's lengths and the oldest DLQ age in one call", async () => {
    await r.engine.enqueue("document", { id: "w" });
    await r.engine.pushToRetryQueue("document", { id: "r" }, 0);
    await r.redis.zadd("document_retry", r.clock.now - 5, '{"id":"due"}');
    r.clock.now -= 100;
    await r.engine.pushToDlq("document", { id: "d" }, new Error("x"), 3);
    r.clock.now += 100;
    const stats = await r.engine.getStats();
    expect(stats.map((s) => s.queue)).toEqual(["document", "audio", "video", "graph"]);
    expect(stats[0]).toMatchObject({
      work: 1,
      processing: 0,
      retry: 2,
      retryDue: 1,
      dlq: 1,
      oldestDlqAgeSeconds: 100,
    });
    expect(stats[1]).toMatchObject({
      work: 0,
      retry: 0,
      dlq: 0,
      oldestDlqAt: null,
      nextRetryAt: null,
    });
  });
});
