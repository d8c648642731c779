import { describe, expect, it } from "vitest";
import type Redis from "ioredis";
import { useApp } from "../helpers/app";
import { loadStateFixture } from "../helpers/state-fixture";
import { CLUSTER_MODE } from "../helpers/cluster-mode";

/**
 * The dashboard of this release on the state Redrive 0.1.0 left (a populated
 * demo's keys, captured by `npm run test:upgrade -- --capture`), before any
 * worker of this release migrated it: what a rolling upgrade shows first.
 * The harness checks every answer against its route's response schema.
 */
const FIXTURE = "tests/fixtures/state/v0.1.0-demo.json";
const QUEUES = ["document", "video", "audio"];
const app = useApp({ QUEUES: QUEUES.join(",") });

const READS = [
  "/api/admin/overview",
  "/api/admin/insights",
  "/api/admin/metrics?window=1h",
  "/api/admin/metrics?window=24h",
  "/api/admin/metrics?window=7d",
  "/api/admin/dlq/stats",
  "/api/admin/audit",
  "/api/admin/audit/denied?minutes=60",
  "/api/admin/cache/stats",
  "/api/admin/redis",
  ...QUEUES.flatMap((q) => [
    `/api/admin/dlq/${q}`,
    `/api/admin/errors/${q}`,
    `/api/admin/retry/${q}`,
    `/api/admin/dlq/${q}/tasks`,
  ]),
];

describe.skipIf(CLUSTER_MODE)("the state 0.1.0 left", () => {
  it("should answer every read of the dashboard from it, in the shapes this release declares", async () => {
    await loadStateFixture(app.redis as Redis, FIXTURE);
    const cookie = await app.login("viewer");
    for (const path of READS) {
      const res = await app.call(path, { cookie });
      expect(res.status, path).toBe(200);
    }
    const overview = await (await app.call("/api/admin/overview", { cookie })).json();
    expect(JSON.stringify(overview)).toContain('"video"');
    const audit = await (await app.call("/api/admin/audit", { cookie })).json();
    expect(audit.entries.length).toBeGreaterThan(0);
    const video = await (await app.call("/api/admin/dlq/video?limit=50", { cookie })).json();
    expect(video.messages.length).toBeGreaterThan(0);
    for (const m of video.messages) {
      expect(m).toMatchObject({ isJson: true, errorType: expect.any(String) });
      expect(m.failedAt).toEqual(expect.any(Number));
    }
    const task = await (await app.call("/api/admin/dlq/document/tasks", { cookie })).json();
    expect(task.task).toMatchObject({ queue: "document", createdBy: expect.any(String) });
  });

  it("should requeue an entry 0.1.0 dead-lettered, as it was taken, when an admin asks", async () => {
    await loadStateFixture(app.redis as Redis, FIXTURE);
    const cookie = await app.login("admin");
    const list = await (await app.call("/api/admin/dlq/video?limit=1", { cookie })).json();
    const [first] = list.messages as { index: number; identity: string }[];
    const res = await app.call(`/api/admin/dlq/video/requeue/${first!.index}`, {
      cookie,
      method: "POST",
      body: JSON.stringify({ identity: first!.identity }),
    });
    expect(res.status).toBe(200);
    const [requeued] = await app.redis.lrange("video_queue", 0, 0);
    const message = JSON.parse(requeued!);
    expect(message).toMatchObject({ retry_count: 0 });
    for (const reserved of ["error", "failed_at", "original_queue", "redrive_undo"]) {
      expect(message).not.toHaveProperty(reserved);
    }
  });
});
