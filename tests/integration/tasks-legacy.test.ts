import { describe, expect, it } from "vitest";
import {
  cancelTask,
  createTask,
  getTask,
  legacyTaskKey,
  runTask,
  taskKey,
} from "@/lib/tasks/redrive";
import { useRedis } from "../helpers/redis";
import { schemaKey, SCHEMA_VERSION } from "@/lib/schema/version";

/**
 * 0.1.0 kept every queue's task at `<prefix>:task:<q>`; with a hash-tagged DLQ
 * key this release keeps it at `<prefix>:task:{<tag>}`. During a rolling
 * upgrade a 0.1.0 dashboard still creates tasks under the old name.
 */
const r = useRedis({ QUEUES: "document", REDIS_KEY_STYLE: "hashtag" });

/** A pending task as 0.1.0's createTask wrote it. */
async function legacyTask(total: number) {
  await r.redis.hset("redrive:task:document", {
    id: "t-old",
    kind: "requeue",
    rate: 0,
    state: "pending",
    total,
    moved: 0,
    createdBy: "ops-old",
    createdAt: 1,
    updatedAt: 1,
    owner: "",
    leaseUntil: 0,
    error: "",
  });
}

describe("a task a 0.1.0 dashboard created", () => {
  it("should be shown and run by this release's worker when the DLQ key has a hash tag", async () => {
    expect(legacyTaskKey(r.config, "document")).toBe("redrive:task:document");
    expect(taskKey(r.config, "document")).toBe("redrive:task:{document}");
    await r.redis.lpush("{document}_dlq", '{"id":"a"}', '{"id":"b"}');
    await legacyTask(2);
    expect(await getTask(r.engine.ctx, "document")).toMatchObject({
      id: "t-old",
      state: "pending",
    });
    expect(await runTask(r.engine.ctx, "document", "w-new", new AbortController().signal)).toBe(
      true,
    );
    expect(await r.redis.lrange("{document}_queue", 0, -1)).toEqual(['{"id":"b"}', '{"id":"a"}']);
    expect(await r.redis.hget("redrive:task:document", "state")).toBe("done");
    expect(await getTask(r.engine.ctx, "document")).toMatchObject({ id: "t-old", moved: 2 });
    // Once a worker of this release migrated the state, a new task goes to its own hash, and comes first.
    await r.redis.hset(schemaKey(r.config), "version", SCHEMA_VERSION);
    const own = await createTask(r.engine.ctx, "document", "delete", 0, "ops-new");
    expect(await r.redis.hget("redrive:task:{document}", "id")).toBe(own.id);
    expect(await getTask(r.engine.ctx, "document")).toMatchObject({ id: own.id, state: "pending" });
  });

  it("should go where 0.1.0's workers look while only they have run on the state", async () => {
    await r.redis.lpush("{document}_dlq", '{"id":"a"}');
    const fresh = await createTask(r.engine.ctx, "document", "requeue", 0, "ops-new");
    expect(await r.redis.hget("redrive:task:{document}", "id")).toBe(fresh.id);
    await cancelTask(r.engine.ctx, "document");
    // 0.1.0's heartbeat, with the state still at schema 1.
    const beat = { instanceId: "old:1", version: "0.1.0", lastRunAt: Date.now() / 1000 };
    await r.redis.hset("redrive:worker:heartbeat", "old:1", JSON.stringify(beat));
    const task = await createTask(r.engine.ctx, "document", "requeue", 0, "ops-new");
    expect(await r.redis.hget("redrive:task:document", "id")).toBe(task.id);
  });

  it("should refuse a second task while the other hash holds an active one", async () => {
    await legacyTask(5);
    await r.redis.hset(schemaKey(r.config), "version", SCHEMA_VERSION);
    await expect(
      createTask(r.engine.ctx, "document", "delete", 0, "ops-new"),
    ).rejects.toMatchObject({
      code: "CONFLICT",
    });
    expect(await r.redis.exists("redrive:task:{document}")).toBe(0);
  });

  it("should show an active task under 0.1.0's name before a finished one under this release's", async () => {
    await r.redis.hset("redrive:task:{document}", { id: "t-new", state: "done", updatedAt: 50 });
    await legacyTask(3);
    expect(await getTask(r.engine.ctx, "document")).toMatchObject({
      id: "t-old",
      state: "pending",
    });
    await r.redis.hset(schemaKey(r.config), "version", SCHEMA_VERSION);
    await expect(
      createTask(r.engine.ctx, "document", "delete", 0, "ops-new"),
    ).rejects.toMatchObject({
      code: "CONFLICT",
    });
  });

  it("should be cancelled where it is", async () => {
    await legacyTask(5);
    expect(await cancelTask(r.engine.ctx, "document")).toMatchObject({ state: "cancelled" });
    expect(await r.redis.hget("redrive:task:document", "state")).toBe("cancelled");
    expect(await r.redis.exists("redrive:task:{document}")).toBe(0);
  });

  it("should have no old name when the DLQ key has no tag", () => {
    const plain = { ...r.config, REDIS_KEY_STYLE: "plain" as const };
    plain.queueKeys = {
      document: { work: "document_queue", retry: "document_retry", dlq: "document_dlq" },
    };
    expect(legacyTaskKey(plain, "document")).toBeNull();
  });
});
