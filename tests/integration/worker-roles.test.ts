import { describe, expect, it } from "vitest";
import { loadDueRetries } from "@/bench/lib/data";
import { jobIdOf } from "@/chaos/lib/census";
import { pythonPromoter } from "@/chaos/lib/python-promoter";
import { workerHeartbeatKey } from "@/lib/queues/keys";
import { createTask, getTask } from "@/lib/tasks/redrive";
import { RetryWorkerService } from "@/lib/worker/service";
import { testConfig, useRedis } from "../helpers/redis";

/**
 * The Python backend's retry worker and Redrive's, side by side on one Redis:
 * REDRIVE_WORKER_ROLES decides who promotes which queue, and every due retry
 * must reach its work list exactly once.
 */
const r = useRedis();
const QUEUES = "document,video";

function worker(roles: string): RetryWorkerService {
  const config = testConfig({ REDIS_URL: r.server.url, QUEUES, REDRIVE_WORKER_ROLES: roles });
  return new RetryWorkerService(
    { redis: r.redis, config, now: () => r.clock.now },
    () => undefined,
  );
}

async function idsIn(key: string): Promise<string[]> {
  return (await r.redis.lrangeBuffer(key, 0, -1)).map((b) => jobIdOf(b) ?? "?");
}

function duplicated(ids: string[]): number {
  return ids.length - new Set(ids).size;
}

describe("REDRIVE_WORKER_ROLES beside the Python backend's promoter", () => {
  it("should promote twice when both sides own a queue: the hazard the roles remove", async () => {
    await loadDueRetries(r.redis, "document_retry", 50);
    const python = pythonPromoter(r.redis, "document_retry", "document_queue");
    const read = await python.ready(r.clock.now);
    await worker("all").runOnce();
    await python.push(read);
    expect(duplicated(await idsIn("document_queue"))).toBe(50);
  });

  it("should promote each due retry once when the backend owns promotion and Redrive the rest", async () => {
    await loadDueRetries(r.redis, "document_retry", 300);
    await loadDueRetries(r.redis, "video_retry", 300);
    const redrive = worker("recover,purge,sample,tasks");
    const pythons = ["document", "video"].map((q) =>
      pythonPromoter(r.redis, `${q}_retry`, `${q}_queue`),
    );
    const [promoted] = await Promise.all([
      Promise.all([redrive.runOnce(), redrive.runOnce(), redrive.runOnce()]),
      ...pythons.map((p) => p.runOnce(r.clock.now)),
    ]);
    expect(promoted.flatMap((run) => Object.keys(run.promoted))).toEqual([]);
    for (const q of ["document", "video"]) {
      const ids = await idsIn(`${q}_queue`);
      expect([ids.length, duplicated(ids), await r.redis.zcard(`${q}_retry`)]).toEqual([300, 0, 0]);
    }
  });

  it("should split promotion by queue: Redrive promotes video while the backend promotes document", async () => {
    await loadDueRetries(r.redis, "document_retry", 300);
    await loadDueRetries(r.redis, "video_retry", 300);
    const redrive = worker("promote:video,recover,purge");
    const python = pythonPromoter(r.redis, "document_retry", "document_queue");
    const [reports] = await Promise.all([
      Promise.all([redrive.runOnce(), redrive.runOnce()]),
      python.runOnce(r.clock.now),
    ]);
    expect(reports.reduce((n, run) => n + (run.promoted.video ?? 0), 0)).toBe(300);
    expect(reports.every((run) => run.promoted.document === undefined)).toBe(true);
    for (const q of ["document", "video"]) {
      const ids = await idsIn(`${q}_queue`);
      expect([ids.length, duplicated(ids), await r.redis.zcard(`${q}_retry`)]).toEqual([300, 0, 0]);
    }
  });

  it("should run neither tasks nor sampling without their roles, and show the roles in the heartbeat", async () => {
    await r.redis.lpush(
      "document_dlq",
      ...Array.from({ length: 10 }, (_, i) => `{"job_id":"${i}"}`),
    );
    await createTask(r.engine.ctx, "document", "requeue", 0, "ada");
    const promoter = worker("promote");
    promoter.start();
    await new Promise((done) => setTimeout(done, 400));
    await promoter.stop();
    expect((await getTask(r.engine.ctx, "document"))?.state).toBe("pending");
    expect(await r.redis.exists("redrive:metrics:10s")).toBe(0);
    const beat = JSON.parse(
      (await r.redis.hget(workerHeartbeatKey(r.config), promoter.instanceId))!,
    );
    expect(beat.roles).toBe("promote");

    const other = worker("tasks,sample");
    other.start();
    await expect.poll(async () => (await getTask(r.engine.ctx, "document"))?.state).toBe("done");
    await other.stop();
    expect(await r.redis.exists("redrive:metrics:10s")).toBe(1);
  });
});
