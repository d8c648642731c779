import { describe, expect, it } from "vitest";
import { toDlqEntry } from "@/lib/queues/message";
import { useApp } from "../helpers/app";
import { qk, setMany } from "../helpers/cluster-mode";

const app = useApp();
const stamp = {
  error: { type: "E", message: "m" },
  retryCount: 3,
  failedAt: new Date(),
  originalQueue: "audio",
};
const entry = (m: string) => toDlqEntry(Buffer.from(m), stamp);
const post = (cookie: string, path: string, body: unknown) =>
  app.call(path, { cookie, method: "POST", body: JSON.stringify(body) });

describe("bulk requeue and delete", () => {
  it("should requeue selected messages and report the missing ones", async () => {
    await app.redis.lpush(
      qk("audio_dlq"),
      entry('{"id":"1"}'),
      entry('{"id":"2"}'),
      entry('{"id":"3"}'),
    );
    const cookie = await app.login("admin");
    const res = await post(cookie, "/api/admin/dlq/audio/requeue", {
      messages: [{ identity: "id:1", index: 2 }, { identity: "id:3" }, { identity: "id:9" }],
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { moved: string[]; missing: string[] };
    expect(body.moved.sort()).toEqual(["id:1", "id:3"]);
    expect(body.missing).toEqual(["id:9"]);
    expect(await app.redis.llen(qk("audio_queue"))).toBe(2);
  });

  it("should delete selected messages and one by index", async () => {
    await app.redis.lpush(
      qk("audio_dlq"),
      entry('{"id":"1"}'),
      entry('{"id":"2"}'),
      entry('{"id":"3"}'),
    );
    const cookie = await app.login("admin");
    expect(
      (await post(cookie, "/api/admin/dlq/audio/delete", { messages: [{ identity: "id:1" }] }))
        .status,
    ).toBe(200);
    expect((await post(cookie, "/api/admin/dlq/audio/delete/0", { identity: "id:3" })).status).toBe(
      200,
    );
    expect((await post(cookie, "/api/admin/dlq/audio/delete/0", { identity: "id:3" })).status).toBe(
      409,
    );
    expect(await app.redis.llen(qk("audio_dlq"))).toBe(1);
  });

  it("should refuse an empty or oversized selection", async () => {
    const cookie = await app.login("admin");
    expect((await post(cookie, "/api/admin/dlq/audio/requeue", { messages: [] })).status).toBe(400);
    const many = Array.from({ length: 1001 }, (_, i) => ({ identity: `id:${i}` }));
    expect((await post(cookie, "/api/admin/dlq/audio/requeue", { messages: many })).status).toBe(
      400,
    );
  });
});

describe("retries", () => {
  it("should list scheduled retries soonest first and retry one or all now", async () => {
    await app.redis.zadd(
      qk("video_retry"),
      "300",
      '{"id":"c","retry_count":2}',
      "100",
      '{"id":"a"}',
      "200",
      '{"id":"b"}',
    );
    const viewer = await app.login("viewer");
    const list = (await (
      await app.call("/api/admin/retry/video?limit=2", { cookie: viewer })
    ).json()) as { total: number; retries: { identity: string; due: number; rank: number }[] };
    expect(list.total).toBe(3);
    expect(list.retries.map((r) => [r.identity, r.due, r.rank])).toEqual([
      ["id:a", 100, 0],
      ["id:b", 200, 1],
    ]);
    const admin = await app.login("admin");
    expect(
      (await post(admin, "/api/admin/retry/video/now", { identity: "id:b", rank: 1 })).status,
    ).toBe(200);
    expect(await app.redis.lrange(qk("video_queue"), 0, -1)).toEqual(['{"id":"b"}']);
    expect(
      (await post(admin, "/api/admin/retry/video/now", { identity: "id:b", rank: 1 })).status,
    ).toBe(409);
    const all = await post(admin, "/api/admin/retry/video/now", { all: true });
    expect(await all.json()).toEqual({ moved: 2 });
    expect(await app.redis.zcard(qk("video_retry"))).toBe(0);
  });
});

describe("cache", () => {
  it("should show the cache and clear one namespace or all, never queue keys", async () => {
    await setMany(app.redis, ["user:1", "user:2", "graph:j:x"], "{}");
    await app.redis.lpush(qk("graph_dlq"), "keep");
    const viewer = await app.login("viewer");
    const stats = (await (await app.call("/api/admin/cache/stats", { cookie: viewer })).json()) as {
      namespaces: { namespace: string; estimatedKeys: number }[];
    };
    expect(stats.namespaces.find((n) => n.namespace === "user")!.estimatedKeys).toBe(2);
    const admin = await app.login("admin");
    const one = await app.call("/api/admin/cache/clear?namespace=graph", {
      cookie: admin,
      method: "DELETE",
      body: "{}",
    });
    expect(await one.json()).toEqual({ deleted: { graph: 1 }, count: 1 });
    const bad = await app.call("/api/admin/cache/clear?namespace=graph_dlq", {
      cookie: admin,
      method: "DELETE",
      body: "{}",
    });
    expect(bad.status).toBe(404);
    const all = await app.call("/api/admin/cache/clear", {
      cookie: admin,
      method: "DELETE",
      body: "{}",
    });
    expect(((await all.json()) as { count: number }).count).toBe(2);
    expect(await app.redis.lrange(qk("graph_dlq"), 0, -1)).toEqual(["keep"]);
  });
});

describe("audit", () => {
  it("should list mutations newest first, with denials, and page with a cursor", async () => {
    await app.redis.lpush(qk("audio_dlq"), entry('{"id":"1"}'));
    const admin = await app.login("admin");
    const viewer = await app.login("viewer");
    await post(viewer, "/api/admin/dlq/audio/requeue/0", { identity: "id:1" });
    await post(admin, "/api/admin/dlq/audio/requeue/0", { identity: "id:1" });
    const page = (await (
      await app.call("/api/admin/audit?limit=1", { cookie: viewer })
    ).json()) as { entries: { user: string; result: string }[]; next: string };
    expect(page.entries).toMatchObject([{ user: "admin", result: "ok" }]);
    const older = (await (
      await app.call(`/api/admin/audit?limit=1&before=${page.next}`, { cookie: viewer })
    ).json()) as { entries: { user: string; result: string }[] };
    expect(older.entries).toMatchObject([{ user: "viewer", result: "denied" }]);
    expect((await app.call("/api/admin/audit?before=x", { cookie: viewer })).status).toBe(400);
  });
});

describe("purge", () => {
  it("should purge entries older than N days and refuse a bad age", async () => {
    const day = 86_400_000;
    const at = (ms: number) =>
      toDlqEntry(Buffer.from(`{"id":"${ms}"}`), { ...stamp, failedAt: new Date(Date.now() - ms) });
    await app.redis.lpush(qk("graph_dlq"), at(5 * day), at(3 * day), at(1 * day));
    const cookie = await app.login("admin");
    const res = await post(cookie, "/api/admin/dlq/graph/purge", { olderThanDays: 2 });
    expect(await res.json()).toEqual({ purged: 2 });
    expect(await app.redis.llen(qk("graph_dlq"))).toBe(1);
    expect((await post(cookie, "/api/admin/dlq/graph/purge", { olderThanDays: -1 })).status).toBe(
      400,
    );
  });
});

describe("error groups", () => {
  it("should list top groups and requeue a whole group", async () => {
    const fail = (id: number, message: string) =>
      toDlqEntry(Buffer.from(`{"id":"${id}"}`), {
        ...stamp,
        error: { type: "TimeoutError", message },
      });
    await app.redis.lpush(
      qk("audio_dlq"),
      fail(1, "read timed out after 30 s"),
      fail(2, "read timed out after 31 s"),
      fail(3, "unsupported codec opus"),
      "foreign text",
    );
    const cookie = await app.login("admin");
    const res = (await (await app.call("/api/admin/errors/audio", { cookie })).json()) as {
      groups: { id: string; pattern: string; count: number }[];
      scanned: number;
      complete: boolean;
    };
    expect(res.scanned).toBe(4);
    expect(res.complete).toBe(true);
    expect(res.groups[0]).toMatchObject({ pattern: "read timed out after <n> s", count: 2 });
    const moved = (await (
      await post(cookie, "/api/admin/errors/audio/requeue", { group: res.groups[0]!.id })
    ).json()) as { moved: string[] };
    expect(moved.moved.sort()).toEqual(["id:1", "id:2"]);
    expect(await app.redis.llen(qk("audio_dlq"))).toBe(2);
    expect((await post(cookie, "/api/admin/errors/audio/delete", { group: "nope" })).status).toBe(
      400,
    );
  });
});

describe("redrive tasks", () => {
  it("should create a requeue-all task (202), refuse a second one (409) and cancel it", async () => {
    await app.redis.lpush(qk("document_dlq"), entry('{"id":"1"}'), entry('{"id":"2"}'));
    const cookie = await app.login("admin");
    const created = await post(cookie, "/api/admin/dlq/document/tasks", {
      kind: "requeue",
      ratePerSecond: 1,
    });
    expect(created.status).toBe(202);
    expect(
      ((await created.json()) as { task: { state: string; total: number } }).task,
    ).toMatchObject({ state: "pending", total: 2 });
    expect((await post(cookie, "/api/admin/dlq/document/tasks", { kind: "delete" })).status).toBe(
      409,
    );
    expect((await post(cookie, "/api/admin/dlq/document/tasks", { kind: "explode" })).status).toBe(
      400,
    );
    const cancelled = (await (
      await post(cookie, "/api/admin/dlq/document/tasks/cancel", {})
    ).json()) as { task: { state: string } };
    expect(cancelled.task.state).toBe("cancelled");
    const shown = (await (await app.call("/api/admin/dlq/document/tasks", { cookie })).json()) as {
      task: { state: string };
    };
    expect(shown.task.state).toBe("cancelled");
    expect((await post(cookie, "/api/admin/dlq/audio/tasks/cancel", {})).status).toBe(404);
  });
});

describe("overview, insights, metrics and review", () => {
  it("should serve the overview and the metrics history, and refuse an unknown window", async () => {
    await app.redis.lpush(qk("video_dlq"), entry('{"id":"v"}'));
    await app.redis.lpush(
      "redrive:metrics:10s",
      JSON.stringify({
        t: Math.floor(Date.now() / 10_000) * 10,
        q: {},
        ks: [0, 0],
        c: [0, 0],
        m: [1, 0],
      }),
    );
    const cookie = await app.login("viewer");
    const overview = await app.call("/api/admin/overview", { cookie });
    expect(overview.status).toBe(200);
    const body = (await overview.json()) as { queues: { queue: string; dlq: number }[] };
    expect(body.queues.find((q) => q.queue === "video")?.dlq).toBe(1);
    const metrics = await app.call("/api/admin/metrics?window=24h", { cookie });
    expect(((await metrics.json()) as { stepSeconds: number }).stepSeconds).toBe(120);
    const bad = await app.call("/api/admin/metrics?window=1y", { cookie });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBeTruthy();
  });

  it("should mark a queue reviewed, audit it, and count what failed since", async () => {
    const cookie = await app.login("admin");
    expect((await post(cookie, "/api/admin/review/nope", {})).status).toBe(404);
    const res = await post(cookie, "/api/admin/review/graph", {});
    expect(res.status).toBe(200);
    await new Promise((r) => setTimeout(r, 1100));
    await app.redis.lpush(
      qk("graph_dlq"),
      toDlqEntry(Buffer.from('{"id":"g"}'), { ...stamp, failedAt: new Date() }),
    );
    const insights = (await (await app.call("/api/admin/insights", { cookie })).json()) as {
      queues: { queue: string; sinceReview: { count: number } | null }[];
    };
    expect(insights.queues.find((q) => q.queue === "graph")?.sinceReview?.count).toBe(1);
    expect(insights.queues.find((q) => q.queue === "audio")?.sinceReview).toBeNull();
    const audit = await app.redis.xrevrange("redrive:audit", "+", "-", "COUNT", 1);
    expect(JSON.stringify(audit)).toContain("mark reviewed");
  });
});
