import { describe, expect, it } from "vitest";
import { cancelTask, createTask, getTask, runTask, taskKey } from "@/lib/tasks/redrive";
import { useRedis } from "../helpers/redis";
import { qk } from "../helpers/cluster-mode";

const r = useRedis({ QUEUES: "document" });

async function fill(n: number) {
  const values = Array.from({ length: n }, (_, i) => `{"id":"${i}","retry_count":3}`);
  for (let i = 0; i < n; i += 500)
    await r.redis.lpush(qk("document_dlq"), ...values.slice(i, i + 500));
}

describe("redrive tasks", () => {
  it("should run a requeue-all task to the end with progress, one active task per queue", async () => {
    await fill(1200);
    const task = await createTask(r.engine.ctx, "document", "requeue", 0, "ada");
    expect(task).toMatchObject({ state: "pending", total: 1200, moved: 0, createdBy: "ada" });
    await expect(createTask(r.engine.ctx, "document", "delete", 0, "ada")).rejects.toMatchObject({
      code: "CONFLICT",
    });
    expect(await runTask(r.engine.ctx, "document", "w1", new AbortController().signal)).toBe(true);
    expect(await getTask(r.engine.ctx, "document")).toMatchObject({ state: "done", moved: 1200 });
    expect(await r.redis.llen(qk("document_queue"))).toBe(1200);
    expect(await runTask(r.engine.ctx, "document", "w1", new AbortController().signal)).toBe(false);
    expect((await createTask(r.engine.ctx, "document", "delete", 0, "ada")).state).toBe("pending");
  });

  it("should stop when cancelled and say how far it got", async () => {
    await fill(100);
    await createTask(r.engine.ctx, "document", "requeue", 20, "ada");
    const running = runTask(r.engine.ctx, "document", "w1", new AbortController().signal);
    await new Promise((res) => setTimeout(res, 1200));
    expect((await cancelTask(r.engine.ctx, "document"))!.state).toBe("cancelling");
    await running;
    const task = (await getTask(r.engine.ctx, "document"))!;
    expect(task.state).toBe("cancelled");
    expect(task.moved).toBeGreaterThan(0);
    expect(task.moved).toBeLessThan(100);
    expect(await r.redis.llen(qk("document_queue"))).toBe(task.moved);
  });

  it("should be resumed by another worker when its owner died, from where it was", async () => {
    await fill(600);
    await createTask(r.engine.ctx, "document", "delete", 0, "ada");
    // A worker claimed it, moved 100 and died: its lease is in the past.
    await r.redis.ltrim(qk("document_dlq"), 0, -101);
    await r.redis.hset(
      taskKey(r.config, "document"),
      "state",
      "running",
      "owner",
      "dead",
      "moved",
      100,
      "leaseUntil",
      r.clock.now - 1,
    );
    expect(await runTask(r.engine.ctx, "document", "w2", new AbortController().signal)).toBe(true);
    expect(await getTask(r.engine.ctx, "document")).toMatchObject({
      state: "done",
      moved: 600,
      owner: "w2",
    });
    expect(await r.redis.llen(qk("document_dlq"))).toBe(0);
  });

  it("should hand a task back when its worker stops, so another resumes it at once", async () => {
    await fill(100);
    await createTask(r.engine.ctx, "document", "requeue", 25, "ada");
    const stop = new AbortController();
    const running = runTask(r.engine.ctx, "document", "w1", stop.signal);
    await new Promise((res) => setTimeout(res, 600));
    stop.abort();
    await running;
    const handed = (await getTask(r.engine.ctx, "document"))!;
    expect(handed).toMatchObject({ state: "running", owner: "" });
    expect(await runTask(r.engine.ctx, "document", "w2", new AbortController().signal)).toBe(true);
    expect(await getTask(r.engine.ctx, "document")).toMatchObject({ state: "done", moved: 100 });
    expect(await r.redis.llen(qk("document_queue"))).toBe(100);
  }, 20_000);
});
