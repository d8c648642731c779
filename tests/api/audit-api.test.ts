import { describe, expect, it } from "vitest";
import type { AuditPage } from "@/lib/audit/audit";
import type { DeniedSummary } from "@/lib/audit/denied";
import { toDlqEntry } from "@/lib/queues/message";
import { useApp } from "../helpers/app";

// A small bound: denials written to the admin stream would push the admin's action out at once.
const app = useApp({ AUDIT_MAX_ENTRIES: "100" });
const stamp = {
  error: { type: "E", message: "m" },
  retryCount: 3,
  failedAt: new Date(),
  originalQueue: "audio",
};
const entry = (m: string) => toDlqEntry(Buffer.from(m), stamp);
const post = (cookie: string, path: string, body: unknown) =>
  app.call(path, { cookie, method: "POST", body: JSON.stringify(body) });

describe("audit under a flood of denials", () => {
  it("should keep every admin action when a viewer sends many denied requests", async () => {
    await app.redis.lpush("audio_dlq", entry('{"id":"1"}'));
    const admin = await app.login("admin");
    const viewer = await app.login("viewer");
    expect((await post(admin, "/api/admin/dlq/audio/requeue/0", { identity: "id:1" })).status).toBe(
      200,
    );
    // Six times the stream's bound: any denial written to it would have pushed the admin out.
    const total = 600;
    for (let sent = 0; sent < total; sent += 50) {
      const answers = await Promise.all(
        Array.from({ length: 50 }, () =>
          post(viewer, "/api/admin/dlq/audio/requeue/0", { identity: "id:2" }),
        ),
      );
      expect(answers.map((a) => a.status)).toEqual(answers.map(() => 403));
    }

    // The admin stream holds the admin's action only.
    expect(await app.redis.xlen("redrive:audit")).toBe(1);
    const page = (await (
      await app.call("/api/admin/audit?limit=200", { cookie: viewer })
    ).json()) as AuditPage;
    expect(page.entries.filter((e) => e.result !== "denied")).toMatchObject([
      { user: "admin", action: "requeue", result: "ok" },
    ]);
    // The log shows the first few denials of the minute in full.
    const shown = page.entries.filter((e) => e.result === "denied");
    expect(shown.length).toBeGreaterThan(0);
    expect(shown.length).toBeLessThanOrEqual(6);
    expect(shown[0]).toMatchObject({ user: "viewer", action: "requeue", queue: "audio" });

    // Every denial is counted, per user and minute.
    const summary = (await (
      await app.call("/api/admin/audit/denied?minutes=10", { cookie: viewer })
    ).json()) as DeniedSummary;
    const rows = summary.rows.filter((row) => row.user === "viewer");
    expect(rows.reduce((sum, row) => sum + row.count, 0)).toBe(total);
    expect(rows.every((row) => row.action === "requeue")).toBe(true);

    // Stdout gets the first few in full; the rest wait for the minute's summary line.
    expect(app.logged("audit").filter((l) => l.user === "viewer").length).toBeLessThanOrEqual(6);
    expect(
      (await app.call("/api/admin/audit/denied?minutes=1441", { cookie: viewer })).status,
    ).toBe(400);
  }, 120_000);

  it("should refuse a page boundary Redis would not take as a stream id (400, not 500)", async () => {
    const viewer = await app.login("viewer");
    const page = (before: string) =>
      app.call(`/api/admin/audit?before=${before}`, { cookie: viewer }).then((r) => r.status);
    // Found by the fuzzer: twenty digits can overflow a 64-bit part.
    expect(await page("99999999999999999999-1")).toBe(400);
    expect(await page("1-99999999999999999999")).toBe(400);
    expect(await page("0-0")).toBe(400);
    expect(await page("18446744073709551615-18446744073709551615")).toBe(200);
    expect(await page("1-0")).toBe(200);
  });

  it("should write nothing to Redis for requests without a session", async () => {
    for (let i = 0; i < 20; i++) {
      const res = await post("", "/api/admin/dlq/audio/requeue/0", { identity: "id:1" });
      expect(res.status).toBe(401);
    }
    expect(await app.redis.keys("redrive:audit*")).toEqual([]);
  });
});

describe("an audit stream write that fails", () => {
  it("should answer 200 and log the audit line when the audit stream write fails after a successful requeue", async () => {
    await app.redis.lpush("audio_dlq", entry('{"id":"1"}'), entry('{"id":"2"}'));
    // XADD now fails with WRONGTYPE; the DLQ move does not touch this key.
    await app.redis.set("redrive:audit", "not a stream");
    const admin = await app.login("admin");
    const res = await post(admin, "/api/admin/dlq/audio/requeue", {
      messages: [{ identity: "id:1" }],
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { moved: string[] }).moved).toEqual(["id:1"]);
    expect(await app.redis.llen("audio_queue")).toBe(1);
    expect(app.logged("audit").filter((l) => l.action === "requeue selected")).toMatchObject([
      { user: "admin", result: "ok", queue: "audio", identities: ["id:1"] },
    ]);
    expect(app.logged("audit stream write failed").at(-1)).toMatchObject({ level: "error" });

    // Redis takes entries again: the buffered one goes in first, with its own time.
    await app.redis.del("redrive:audit");
    const next = await post(admin, "/api/admin/dlq/audio/requeue", {
      messages: [{ identity: "id:2" }],
    });
    expect(next.status).toBe(200);
    const entries = (await app.redis.xrange("redrive:audit", "-", "+")).map(([id, fields]) => ({
      id,
      ...(JSON.parse(fields[1]!) as { identities: string[]; at: number }),
    }));
    expect(entries.map((e) => e.identities)).toEqual([["id:1"], ["id:2"]]);
    expect(entries[0]!.at).toBeLessThan(Number(entries[0]!.id.split("-")[0]) / 1000);
  });
});
