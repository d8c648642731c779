import { describe, expect, it } from "vitest";
import { useApp } from "../helpers/app";

/**
 * A Redis that is up but answers nothing (SIGSTOP: a host swapping, a stuck
 * disk): the dashboard must answer 503 within its command timeout instead of
 * holding every request open, and answer 200 again once Redis resumes.
 */
const app = useApp();

describe("redis-server stalled with SIGSTOP", () => {
  it("should answer 503 within seconds while stalled and 200 again after SIGCONT, without a restart", async () => {
    const cookie = await app.login("viewer");
    app.server.process.kill("SIGSTOP");
    try {
      const started = Date.now();
      const [health, stats] = await Promise.all([
        app.call("/api/health"),
        app.call("/api/admin/dlq/stats", { cookie }),
      ]);
      expect(Date.now() - started).toBeLessThan(6_000);
      expect(health.status).toBe(503);
      expect(stats.status).toBe(503);
      expect((await stats.json()).error.code).toBe("REDIS_TIMEOUT");
    } finally {
      app.server.process.kill("SIGCONT");
    }
    await expect.poll(async () => (await app.call("/api/health")).status).toBe(200);
    expect((await app.call("/api/admin/dlq/stats", { cookie })).status).toBe(200);
  }, 30_000);

  it("should send the overview page with its data, and without waiting for it when Redis stalls", async () => {
    await app.redis.lpush("document_dlq", '{"id":"a"}', '{"id":"b"}');
    const cookie = await app.login("viewer");
    const page = async () => {
      const started = Date.now();
      const html = await (await app.call("/", { cookie })).text();
      return { html, ms: Date.now() - started };
    };
    // Rendered with the overview's answer: its fields are in the page's data.
    expect((await page()).html).toContain("generatedAt");
    app.server.process.kill("SIGSTOP");
    try {
      // The session was checked a moment ago (remembered); the data would wait 3 s for Redis.
      const stalled = await page();
      expect(stalled.html).toContain("Overview");
      expect(stalled.html).not.toContain("generatedAt");
      expect(stalled.ms).toBeLessThan(2_000);
    } finally {
      app.server.process.kill("SIGCONT");
    }
  }, 30_000);
});
