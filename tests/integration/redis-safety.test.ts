import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Redis from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { writeRefusalOf } from "@/lib/redis/errors";
import { readRedisSafety } from "@/lib/redis/safety";
import { defineScripts } from "@/lib/redis/scripts";
import { RetryWorkerService } from "@/lib/worker/service";
import { startEmbeddedRedis } from "@/scripts/embedded-redis";
import { useRedis } from "../helpers/redis";

/**
 * Real redis-servers set up the three ways that lose or refuse queued data:
 * an evicting policy, memory full under noeviction, and a failed save. The
 * report must see each from INFO, and a refused write must leave the DLQ whole.
 */
const r = useRedis();

afterEach(async () => {
  await r.redis.config("SET", "maxmemory-policy", "noeviction");
  await r.redis.config("SET", "maxmemory", "0");
});

async function fillDlq(n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    await r.engine.pushToDlq("document", { job_id: `j${i}` }, new Error("boom"), 3);
  }
}

describe("the queue Redis' safety", () => {
  it("should be safe on a default redis-server", async () => {
    const safety = await readRedisSafety(r.redis);
    expect(safety).toMatchObject({ evictionPolicy: "noeviction", maxMemory: 0, warnings: [] });
  });

  it("should warn of an evicting policy set at runtime", async () => {
    await r.redis.config("SET", "maxmemory-policy", "allkeys-lru");
    expect((await readRedisSafety(r.redis)).warnings.map((w) => w.code)).toEqual([
      "EVICTION_POLICY",
    ]);
    await r.redis.config("SET", "maxmemory-policy", "volatile-ttl");
    const [warning] = (await readRedisSafety(r.redis)).warnings;
    expect(warning?.message).toContain("volatile-ttl");
  });

  it("should refuse a requeue at maxmemory with OOM, keep the entry, and say memory is full", async () => {
    await fillDlq(20);
    const [first] = await r.engine.getDlqMessages("document", 0, 1);
    const used = Number(/used_memory:(\d+)/.exec(await r.redis.info("memory"))![1]);
    await r.redis.config("SET", "maxmemory", String(used - 1024));
    const refused = await r.engine.requeueFromDlq("document", 0, first!.identity).then(
      () => null,
      (e: unknown) => e,
    );
    expect(writeRefusalOf(refused)).toBe("REDIS_OOM");
    expect(await r.redis.llen("document_dlq")).toBe(20);
    expect(await r.redis.llen("document_queue")).toBe(0);
    expect((await readRedisSafety(r.redis)).warnings.map((w) => w.code)).toEqual(["MEMORY_FULL"]);
    // Freed memory (a raised limit) and the same call succeeds: no restart, nothing lost.
    await r.redis.config("SET", "maxmemory", "0");
    await r.engine.requeueFromDlq("document", 0, first!.identity);
    expect(await r.redis.llen("document_dlq")).toBe(19);
    expect(await r.redis.llen("document_queue")).toBe(1);
  });

  it("should refuse writes with MISCONF after a failed save, keep the queue, and say why", async () => {
    const dir = mkdtempSync(join(tmpdir(), "redrive-misconf-"));
    // A save rule makes Redis stop writes after a failed snapshot (stop-writes-on-bgsave-error).
    const server = await startEmbeddedRedis("redis-server", ["--dir", dir, "--save", "3600 1"]);
    const redis = new Redis(server.url, { maxRetriesPerRequest: 1 });
    defineScripts(redis);
    try {
      await redis.lpush("document_queue", "kept");
      rmSync(dir, { recursive: true, force: true });
      await redis.bgsave();
      await expect
        .poll(async () => (await readRedisSafety(redis)).warnings.map((w) => w.code))
        .toEqual(["PERSISTENCE_FAILING"]);
      const refused = await redis.lpush("document_queue", "new").then(
        () => null,
        (e: unknown) => e,
      );
      expect(writeRefusalOf(refused)).toBe("REDIS_MISCONF");
      expect(await redis.lrange("document_queue", 0, -1)).toEqual(["kept"]);
    } finally {
      redis.disconnect();
      // SIGTERM would make it try one more save, fail, and refuse to exit.
      server.process.kill("SIGKILL");
      await server.stop();
    }
  });

  it("should log the report when the worker starts and again only when it changes", async () => {
    const lines: { level: string; msg: string; fields: Record<string, unknown> }[] = [];
    const worker = new RetryWorkerService(
      { redis: r.redis, config: r.config },
      (level, msg, fields = {}) => lines.push({ level, msg, fields }),
    );
    const safetyLines = () => lines.filter((l) => l.msg.startsWith("redis is"));
    await worker.runOnce();
    await worker.runOnce();
    expect(safetyLines().map((l) => l.msg)).toEqual(["redis is safe for queues"]);
    await r.redis.config("SET", "maxmemory-policy", "allkeys-lru");
    await worker.runOnce();
    await worker.runOnce();
    expect(safetyLines().map((l) => [l.level, l.msg])).toEqual([
      ["info", "redis is safe for queues"],
      ["warn", "redis is unsafe for queues"],
    ]);
    expect(safetyLines()[1]!.fields.evictionPolicy).toBe("allkeys-lru");
  });
});
