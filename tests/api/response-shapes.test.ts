import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import type {
  AuditPage,
  DeniedSummary,
  DlqPageResponse,
  DlqStatsResponse,
  HealthResponse,
  ReviewResponse,
  TaskResponse,
} from "@/lib/http/types";
import { useApp } from "../helpers/app";

/**
 * REDRIVE_CHECK_RESPONSES, which useApp turns on: every 2xx body is checked
 * against its route's schema. Redis holds what other clients wrote too, so
 * these are the states found to break a declared shape, each answered within
 * it now but one (a score JSON cannot carry), which shows what a mismatch
 * answers.
 */
const app = useApp({}, { shapeMismatches: "expected" });

const sha1 = (s: string) => createHash("sha1").update(s).digest("hex");

async function get<T>(path: string, cookie?: string): Promise<T> {
  const res = await app.call(path, { cookie: cookie ?? (await app.login("admin")) });
  expect(res.status, `${path}: ${await res.clone().text()}`).toBe(200);
  return (await res.json()) as T;
}

describe("a body that does not match its schema", () => {
  it("should answer 500 RESPONSE_SHAPE naming the field, not its value, when a scheduled retry's due time is infinite", async () => {
    // A producer may ZADD any score; JSON has no Infinity, so `due` would reach the client as null.
    const secret = "hunter2-do-not-show";
    await app.redis.zadd("document_retry", "+inf", JSON.stringify({ id: "r-1", token: secret }));
    const res = await app.call("/api/admin/retry/document", { cookie: await app.login("admin") });
    const text = await res.text();
    expect(res.status).toBe(500);
    expect(JSON.parse(text)).toEqual({
      error: {
        code: "RESPONSE_SHAPE",
        message:
          "The response does not match its schema at retries.0.due (invalid_type: expected number, got null)",
      },
    });
    expect(text).not.toContain(secret);
    const lines = app.logged("response shape mismatch");
    expect(lines.at(-1)).toMatchObject({
      level: "error",
      method: "GET",
      path: "/api/admin/retry/document",
      field: "retries.0.due",
    });
    expect(JSON.stringify(lines)).not.toContain(secret);
  });
});

describe("Redis state another client wrote", () => {
  it("should count 0 retries when another producer's metadata hash says 2.5, -2 or 1e999", async () => {
    const entry = "not json, with its details in a metadata hash";
    await app.redis.lpush("document_dlq", entry);
    const cookie = await app.login("admin");
    for (const written of ["2.5", "-2", "1e999", "many"]) {
      await app.redis.hset(`dlq:metadata:h:${sha1(entry)}`, { retry_count: written });
      const page = await get<DlqPageResponse>("/api/admin/dlq/document", cookie);
      expect(page.messages[0], written).toMatchObject({ isJson: false, retryCount: 0 });
    }
    await app.redis.hset(`dlq:metadata:h:${sha1(entry)}`, { retry_count: "4" });
    const page = await get<DlqPageResponse>("/api/admin/dlq/document", cookie);
    expect(page.messages[0]!.retryCount).toBe(4);
  });

  it("should answer only at and by when a stored review mark has other fields or no by", async () => {
    const cookie = await app.login("admin");
    await app.redis.hset("redrive:review", "document", '{"at":5,"by":"ann","note":"hi"}');
    expect(await get<ReviewResponse>("/api/admin/review/document", cookie)).toEqual({
      queue: "document",
      review: { at: 5, by: "ann" },
    });
    await app.redis.hset("redrive:review", "document", '{"at":6}');
    expect((await get<ReviewResponse>("/api/admin/review/document", cookie)).review).toEqual({
      at: 6,
      by: "?",
    });
    await get("/api/admin/overview", cookie);
  });

  it("should give a null version and skip a beat without times when a worker heartbeat lacks them", async () => {
    const now = Date.now() / 1000;
    await app.redis.hset("redrive:worker:heartbeat", {
      old: JSON.stringify({ instanceId: "old", lastRunAt: now, intervalSeconds: 10 }),
      odd: JSON.stringify({ instanceId: "odd", version: "9", lastRunAt: "soon" }),
    });
    const stats = await get<DlqStatsResponse>("/api/admin/dlq/stats");
    expect(stats.worker).toMatchObject({ instances: 1, version: null, healthy: true });
    // The anonymous health check names no version at all.
    const health = await get<HealthResponse>("/api/health");
    expect(health).toMatchObject({ status: "ok", worker: { instances: 1 } });
    expect(health.status === "ok" && "version" in health.worker).toBe(false);
  });

  it("should keep what is readable of an audit entry when another client wrote it with fields missing, wrong or extra", async () => {
    await app.redis.xadd(
      "redrive:audit",
      "*",
      "e",
      JSON.stringify({ user: "tool", action: "import", count: "three", extra: { a: 1 } }),
    );
    await app.redis.xadd("redrive:audit", "*", "e", "[1,2]");
    const page = await get<AuditPage>("/api/admin/audit");
    expect(page.entries.map(({ id: _id, at: _at, ...rest }) => rest)).toEqual([
      { user: "?", role: "?", action: "unreadable entry", result: "error", ip: "" },
      { user: "tool", role: "?", action: "import", result: "error", ip: "" },
    ]);
  });

  it("should report a task as failed when its hash holds a state Redrive does not write", async () => {
    await app.redis.hset("redrive:task:document", { id: "t-1", kind: "requeue", state: "paused" });
    const { task } = await get<TaskResponse>("/api/admin/dlq/document/tasks");
    expect(task).toMatchObject({ id: "t-1", state: "failed" });
  });

  it("should count 0 when a denied minute's count is not a number", async () => {
    const minute = Math.floor(Date.now() / 60_000);
    await app.redis.hset(`redrive:audit:denied:${minute}`, '["eve","purge"]', "lots");
    const summary = await get<DeniedSummary>("/api/admin/audit/denied");
    expect(summary.rows).toEqual([{ minute: minute * 60, user: "eve", action: "purge", count: 0 }]);
  });
});
