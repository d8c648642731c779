import { describe, expect, it } from "vitest";
import { toDlqEntry } from "@/lib/queues/message";
import { useApp } from "../helpers/app";
import { qk } from "../helpers/cluster-mode";

/** Requeue later over HTTP: `at` on the requeue routes, its bounds, and its audit. */
const app = useApp();

const entry = (id: string) =>
  toDlqEntry(Buffer.from(`{"id":"${id}"}`), {
    error: { type: "E", message: "m" },
    retryCount: 3,
    failedAt: new Date(),
    originalQueue: "document",
  });

const post = async (path: string, body: unknown) =>
  app.call(path, { cookie: await app.login("admin"), method: "POST", body: JSON.stringify(body) });

describe("requeue later", () => {
  it("should put a selection and a single message into the retry set, due at `at`, and audit when", async () => {
    await app.redis.lpush(qk("document_dlq"), entry("a"), entry("b"), entry("c"));
    const at = Math.floor(Date.now() / 1000) + 7200;
    const some = await post("/api/admin/dlq/document/requeue", {
      messages: [{ identity: "id:a" }, { identity: "id:b" }],
      at,
    });
    expect(some.status).toBe(200);
    const one = await post("/api/admin/dlq/document/requeue/0", { identity: "id:c", at: at + 60 });
    expect(one.status).toBe(200);
    const scheduled = await app.redis.zrange(qk("document_retry"), "0", "-1", "WITHSCORES");
    expect(scheduled).toEqual([
      '{"id":"a"}',
      String(at),
      '{"id":"b"}',
      String(at),
      '{"id":"c"}',
      String(at + 60),
    ]);
    expect(await app.redis.llen(qk("document_dlq"))).toBe(0);
    const audit = await app.call("/api/admin/audit?limit=2", { cookie: await app.login("admin") });
    const entries = ((await audit.json()) as { entries: { detail?: string }[] }).entries;
    expect(entries.map((e) => e.detail)).toEqual([
      `later: due ${new Date((at + 60) * 1000).toISOString()}`,
      `later: due ${new Date(at * 1000).toISOString()}`,
    ]);
  });

  it("should refuse `at` on a delete, and beyond 30 days, moving nothing", async () => {
    await app.redis.lpush(qk("document_dlq"), entry("a"));
    const soon = Math.floor(Date.now() / 1000) + 60;
    const del = await post("/api/admin/dlq/document/delete", {
      messages: [{ identity: "id:a" }],
      at: soon,
    });
    expect(del.status).toBe(400);
    const far = await post("/api/admin/dlq/document/requeue/0", {
      identity: "id:a",
      at: soon + 31 * 86_400,
    });
    expect(far.status).toBe(400);
    expect(await app.redis.llen(qk("document_dlq"))).toBe(1);
    expect(await app.redis.zcard(qk("document_retry"))).toBe(0);
  });
});
