import { describe, expect, it } from "vitest";
import type { DlqPageResponse, ErrorGroupsResponse } from "@/lib/http/types";
import type { InsightsResponse } from "@/lib/metrics/types";
import { useApp } from "../helpers/app";

/**
 * Dashboards left open share their reads: identical reads from different
 * sessions within one poll interval cost one Redis read, a change is seen at
 * once by whoever made it, and heavy reads are computed once per interval.
 * Counted with INFO commandstats on the dashboard's own redis-server.
 */
const app = useApp({ REDRIVE_REDACT: "user.email" });

const POLL = { "cache-control": "max-age=5" };
const FRESH = { "cache-control": "no-cache" };

/** Calls of one Redis command so far (INFO commandstats). */
async function calls(command: string): Promise<number> {
  const info = await app.redis.info("commandstats");
  const match = new RegExp(`^cmdstat_${command}:calls=(\\d+)`, "m").exec(info);
  return match ? Number(match[1]) : 0;
}

async function page(cookie: string, headers: Record<string, string>) {
  const res = await app.call("/api/admin/dlq/document", { cookie, headers });
  expect(res.status).toBe(200);
  return { body: (await res.json()) as DlqPageResponse, age: res.headers.get("age") };
}

const entry = (id: string, email = `${id}@example.com`) =>
  JSON.stringify({ id, user: { email }, error: { type: "ValueError", message: "bad input" } });

describe("reads shared between dashboards", () => {
  it("should read Redis once when two sessions poll the same page within one interval", async () => {
    await app.redis.lpush("document_dlq", entry("a"), entry("b"));
    const [one, two] = [await app.login("admin"), await app.login("admin")];
    await page(one, FRESH);
    const before = await calls("llen");
    const first = await page(one, POLL);
    const second = await page(two, POLL);
    expect(await calls("llen")).toBe(before);
    expect(second.body).toEqual(first.body);
    expect(Number(second.age)).toBeLessThanOrEqual(5);
    // A read that asks for fresh data (or says nothing, like curl) reads Redis now.
    await page(two, FRESH);
    await app.call("/api/admin/dlq/document", { cookie: two });
    expect(await calls("llen")).toBe(before + 2);
  });

  it("should keep a page that made Redis copy a large entry for polls well past their interval, and read it again when asked fresh", async () => {
    // 9 MB: cutting it for the list still costs Redis a copy of all of it.
    const large = `{"id":"large","blob":"${"x".repeat(9 * 1024 * 1024)}"}`;
    await app.redis.lpush("document_dlq", large);
    const cookie = await app.login("admin");
    await page(cookie, FRESH);
    const before = await calls("llen");
    await new Promise((r) => setTimeout(r, 2_100));
    const polled = await page(cookie, { "cache-control": "max-age=1" });
    expect(Number(polled.age)).toBeGreaterThanOrEqual(2);
    expect(await calls("llen")).toBe(before);
    await page(cookie, FRESH);
    expect(await calls("llen")).toBe(before + 1);
  });

  it("should not keep a page of small entries past the poll interval", async () => {
    await app.redis.lpush("document_dlq", entry("s"));
    const cookie = await app.login("admin");
    await page(cookie, FRESH);
    const before = await calls("llen");
    await new Promise((r) => setTimeout(r, 2_100));
    await page(cookie, { "cache-control": "max-age=1" });
    expect(await calls("llen")).toBe(before + 1);
  });

  it("should show a requeue to the admin who made it on the next poll", async () => {
    await app.redis.lpush("document_dlq", entry("keep"), entry("go"));
    const admin = await app.login("admin");
    const watcher = await app.login("admin");
    await page(admin, FRESH);
    expect((await page(watcher, POLL)).body.total).toBe(2);
    const res = await app.call("/api/admin/dlq/document/requeue/0", {
      cookie: admin,
      method: "POST",
      body: JSON.stringify({ identity: "id:go" }),
    });
    expect(res.status).toBe(200);
    // Both sessions, polling as before: the change emptied the shared answers.
    expect((await page(admin, POLL)).body.total).toBe(1);
    expect((await page(watcher, POLL)).body.total).toBe(1);
  });

  it("should not empty the shared answers when a viewer's change is denied", async () => {
    await app.redis.lpush("document_dlq", entry("x"));
    const [admin, viewer] = [await app.login("admin"), await app.login("viewer")];
    await page(admin, FRESH);
    const before = await calls("llen");
    const denied = await app.call("/api/admin/dlq/document/requeue/0", {
      cookie: viewer,
      method: "POST",
      body: JSON.stringify({ identity: "id:x" }),
    });
    expect(denied.status).toBe(403);
    await page(admin, POLL);
    expect(await calls("llen")).toBe(before);
  });

  it("should never give a viewer the unmasked answer an admin's read left", async () => {
    await app.redis.lpush("document_dlq", entry("p", "secret@example.com"));
    const [admin, viewer] = [await app.login("admin"), await app.login("viewer")];
    await page(admin, FRESH);
    expect(JSON.stringify((await page(admin, POLL)).body)).toContain("secret@example.com");
    expect(JSON.stringify((await page(viewer, POLL)).body)).not.toContain("secret@example.com");
  });
});

describe("heavy reads", () => {
  it("should compute insights once while dashboards poll them, and say when", async () => {
    await app.redis.lpush("document_dlq", entry("i1"));
    const cookie = await app.login("admin");
    const start = await calls("llen");
    const fresh = await app.call("/api/admin/insights", { cookie, headers: FRESH });
    const computed = ((await fresh.json()) as InsightsResponse).computedAt;
    const cost = (await calls("llen")) - start;
    expect(cost).toBeGreaterThan(0);
    expect(Math.abs(computed - Date.now() / 1000)).toBeLessThan(5);
    await app.redis.lpush("document_dlq", entry("i2"));
    const before = await calls("llen");
    // Polled with a 5 s interval: the 30 s minimum of a heavy read keeps this answer.
    for (const session of [cookie, await app.login("viewer"), await app.login("admin")]) {
      const res = await app.call("/api/admin/insights", { cookie: session, headers: POLL });
      if (res.status !== 200) throw new Error(await res.text());
    }
    const again = await app.call("/api/admin/insights", { cookie, headers: POLL });
    expect(((await again.json()) as InsightsResponse).computedAt).toBe(computed);
    // The viewer's read is its own (masked): the admins shared the first computation. It
    // reads again only the DLQ that changed (lib/metrics/insights.ts), so it costs less than
    // the first; one more computation would cost at least the queues' signatures again.
    const viewerCost = (await calls("llen")) - before;
    expect(viewerCost).toBeGreaterThan(0);
    expect(viewerCost).toBeLessThanOrEqual(cost);
  });

  it("should compute error groups once per interval and give them their time", async () => {
    await app.redis.lpush("document_dlq", entry("g1"));
    const cookie = await app.login("admin");
    const path = "/api/admin/errors/document";
    const first = (await (
      await app.call(path, { cookie, headers: FRESH })
    ).json()) as ErrorGroupsResponse;
    await app.redis.lpush("document_dlq", entry("g2"));
    const polled = (await (
      await app.call(path, { cookie, headers: POLL })
    ).json()) as ErrorGroupsResponse;
    expect(polled.computedAt).toBe(first.computedAt);
    expect(polled.total).toBe(1);
    const fresh = (await (
      await app.call(path, { cookie, headers: FRESH })
    ).json()) as ErrorGroupsResponse;
    expect(fresh.total).toBe(2);
  });
});
