import { describe, expect, it } from "vitest";
import { getErrorGroups } from "@/lib/queues/errorGroups";
import { EngineError } from "@/lib/queues/errors";
import { sha1 } from "@/lib/queues/message";
import { useRedis } from "../helpers/redis";
import { qk } from "../helpers/cluster-mode";

const r = useRedis();

async function fillDlq(queue: string, messages: string[]) {
  for (const m of messages) await r.engine.pushToDlq(queue, m, new Error("boom"), 3);
}

describe("pushToDlq and getDlqMessages", () => {
  it("should read a bounded part of a huge metadata hash, and none of a missing one", async () => {
    const fields: Record<string, string> = {};
    for (let i = 0; i < 5000; i++) fields[`f${i}`] = "x";
    await r.redis.hset("dlq:metadata:big:f", fields);
    await r.redis.lpush(qk("document_dlq"), '{"job_id":"big","filename":"f"}', '{"job_id":"none"}');
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
      qk("document_dlq"),
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
    await r.redis.lpush(qk("document_dlq"), at(old1), at(old2), at(boundary), at(fresh));
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
    await r.redis.lpush(qk("document_dlq"), "u1", old, "u2", young, "u3");
    expect(await r.engine.purgeExpired("document")).toBe(2);
    expect(await r.redis.lrange(qk("document_dlq"), 0, -1)).toEqual(["u3", young, "u2"]);
  });

  it("should date a foreign entry by its metadata hash", async () => {
    const now = r.clock.now;
    await r.redis.hset(
      "dlq:metadata:p:f",
      "failed_at",
      new Date((now - 9 * day) * 1000).toISOString().replace("Z", ""),
    );
    await r.redis.lpush(qk("audio_dlq"), '{"job_id":"p","filename":"f"}');
    expect(await r.engine.purgeExpired("audio")).toBe(1);
  });

  it("should purge a run of undated entries longer than a batch when a newer dated entry is past the retention", async () => {
    const now = r.clock.now;
    const dated = (d: number) => JSON.stringify({ failed_at: new Date((now - d * day) * 1000) });
    // Oldest first: 1 200 undated entries of 1 KB (more than one read, more bytes than one
    // call holds), an expired dated one, 600 more undated, a fresh one, 5 undated.
    const undated = (from: number, n: number) =>
      Array.from({ length: n }, (_, i) => `u${from + i} ${"x".repeat(1024)}`);
    for (let i = 0; i < 1200; i += 400) await r.redis.lpush(qk("audio_dlq"), ...undated(i, 400));
    await r.redis.lpush(
      qk("audio_dlq"),
      dated(9),
      ...undated(2000, 600),
      dated(1),
      ...undated(3000, 5),
    );
    expect(await r.engine.purgeExpired("audio")).toBe(1201);
    const left = await r.redis.lrange(qk("audio_dlq"), 0, -1);
    expect(left).toHaveLength(606);
    expect(left.at(-1)!.startsWith("u2000 ")).toBe(true);
    expect(left[5]).toBe(dated(1));
  });
});

describe("getStats", () => {
  it("should date a foreign oldest entry by its metadata hash", async () => {
    await r.redis.hset(
      "dlq:metadata:p1:a.pdf",
      "failed_at",
      new Date((r.clock.now - 600) * 1000).toISOString(),
    );
    await r.redis.lpush(qk("graph_dlq"), '{"job_id":"p1","filename":"a.pdf"}');
    await r.redis.lpush(qk("audio_dlq"), "not json");
    const stats = await r.engine.getStats();
    expect(stats.find((s) => s.queue === "graph")!.oldestDlqAgeSeconds).toBeCloseTo(600, 0);
    expect(stats.find((s) => s.queue === "audio")!.oldestDlqAgeSeconds).toBeNull();
  });

  it("should report every queue's lengths and the oldest DLQ age in one call", async () => {
    await r.engine.enqueue("document", { id: "w" });
    await r.engine.pushToRetryQueue("document", { id: "r" }, 0);
    await r.redis.zadd(qk("document_retry"), r.clock.now - 5, '{"id":"due"}');
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
