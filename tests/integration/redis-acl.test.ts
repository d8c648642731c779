import { readFileSync } from "node:fs";
import Redis from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { startWorker } from "@/chaos/lib/worker";
import { aclSetUserArgs, aclSetUserLine } from "@/lib/redis-acl";
import { inspectCache } from "@/lib/cache/inspect";
import { permissionDenialOf } from "@/lib/redis/errors";
import { readRedisSafety } from "@/lib/redis/safety";
import { readRange } from "@/lib/queues/read";
import { defineScripts } from "@/lib/redis/scripts";
import { createTask } from "@/lib/tasks/redrive";
import { createAclUser } from "../helpers/acl";
import { testConfig, useRedis } from "../helpers/redis";
import { until } from "../helpers/until";

/**
 * The least-privilege Redis user (lib/redis-acl.ts, the README's line):
 * the worker service does all of its jobs as that user, and what a narrower
 * user is refused reads as a missing permission, not as "Redis is down".
 */
const r = useRedis();

// The refusals these tests provoke are on purpose: under REDRIVE_TEST_ACL the
// fixture fails a file whose ACL LOG is not empty at the end.
afterEach(async () => {
  await r.redis.call("ACL", "LOG", "RESET");
});

/** The README's user without one of its rules, password "pw". */
function narrowerUser(name: string, without: string): string[] {
  return aclSetUserArgs(r.config, name, "pw").filter((a) => a !== without);
}

describe("least-privilege Redis user", () => {
  it("should print in the README the exact line the code grants when the configuration is the default", () => {
    const readme = readFileSync("README.md", "utf8");
    expect(readme).toContain(aclSetUserLine(testConfig()));
  });

  it("should promote, recover, sample and run a requeue-all task when the worker runs as that user", async () => {
    const url = await createAclUser(r.server);
    const now = Date.now() / 1000;
    await r.redis.zadd("document_retry", String(now - 5), '{"job_id":"due"}');
    await r.redis.lpush("audio_queue:processing", "abandoned");
    await r.redis.hset("audio_queue:processing:leases", "x", "1");
    for (let i = 0; i < 50; i++) await r.redis.lpush("video_dlq", `{"job_id":"v${i}"}`);
    await createTask(r.engine.ctx, "video", "requeue", 0, "admin");
    const worker = startWorker({
      REDIS_URL: url,
      RETRY_WORKER_INTERVAL_SECONDS: "0.2",
      PROCESSING_LEASE_SECONDS: "1",
      METRICS_SAMPLE_SECONDS: "1",
    });
    try {
      await until(async () => (await r.redis.llen("document_queue")) === 1, "promotion");
      await until(async () => (await r.redis.llen("video_queue")) === 50, "the task");
      await until(async () => (await r.redis.llen("audio_queue")) === 1, "recovery", 30_000);
      await until(async () => (await r.redis.llen("redrive:metrics:10s")) > 0, "a sample");
    } finally {
      await worker.kill("SIGTERM");
    }
    expect(worker.output()).not.toMatch(/NOPERM|can't run|can't access/);
  }, 60_000);

  it("should name the command when a narrower user may not run MEMORY USAGE", async () => {
    await r.redis.call("ACL", "SETUSER", ...narrowerUser("narrow", "+memory|usage"));
    const narrow = new Redis(`redis://narrow:pw@127.0.0.1:${r.server.port}`);
    try {
      const error = await narrow.memory("USAGE", "user:1").catch((e: unknown) => e);
      expect(permissionDenialOf(error)).toMatch(/^The Redis user may not run MEMORY USAGE\. /);
    } finally {
      narrow.disconnect();
    }
  });

  it("should count cache keys without sizes when the user may not run MEMORY USAGE", async () => {
    await r.redis.set("user:1", "x".repeat(100));
    await r.redis.call("ACL", "SETUSER", ...narrowerUser("nomemory", "+memory|usage"));
    const narrow = new Redis(`redis://nomemory:pw@127.0.0.1:${r.server.port}`);
    try {
      const overview = await inspectCache(narrow, r.config, { maxAgeSeconds: 0 });
      const users = overview.namespaces.find((n) => n.namespace === "user")!;
      expect(users.estimatedKeys).toBe(1);
      expect(users.estimatedBytes).toBeNull();
    } finally {
      narrow.disconnect();
    }
  });

  it("should report the safety figures unknown, and why, when the user may not run INFO", async () => {
    await r.redis.call("ACL", "SETUSER", ...narrowerUser("noinfo", "+info"));
    const narrow = new Redis(`redis://noinfo:pw@127.0.0.1:${r.server.port}`);
    try {
      const safety = await readRedisSafety(narrow);
      expect(safety.evictionPolicy).toBe("unknown");
      expect(safety.warnings.map((w) => w.code)).toEqual(["INFO_DENIED"]);
      expect(safety.warnings[0]!.message).toMatch(/^The Redis user may not run INFO\. /);
    } finally {
      narrow.disconnect();
    }
  });

  it("should say a key is outside the user's patterns when a queue's key is not granted", async () => {
    await r.redis.call("ACL", "SETUSER", ...narrowerUser("keys", "~document_dlq"));
    const keys = new Redis(`redis://keys:pw@127.0.0.1:${r.server.port}`);
    defineScripts(keys);
    try {
      const plain = await keys.llen("document_dlq").catch((e: unknown) => e);
      expect(permissionDenialOf(plain)).toMatch(/may not access a key that LLEN uses/);
      const inScript = await readRange(keys, "document_dlq", 0, 10).catch((e: unknown) => e);
      expect(permissionDenialOf(inScript)).toMatch(/may not (touch a key|access a key)/);
    } finally {
      keys.disconnect();
    }
  });

  it("should leave other errors alone when they are not about permissions", async () => {
    const error = await r.redis.call("NOSUCHCOMMAND").catch((e: unknown) => e);
    expect(permissionDenialOf(error)).toBeNull();
  });
});
