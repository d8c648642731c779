import Redis from "ioredis";
import { afterAll, beforeAll, beforeEach, expect } from "vitest";
import { loadConfig, type Config } from "@/lib/config";
import { QueueEngine } from "@/lib/queues/engine";
import { defineScripts } from "@/lib/redis/scripts";
import { startEmbeddedRedis, type EmbeddedRedis } from "@/scripts/embedded-redis";
import { ACL_MODE, aclDenials, createAclUser } from "./acl";

function aclClient(url: string): Redis {
  const client = new Redis(url, { maxRetriesPerRequest: 1 });
  defineScripts(client);
  return client;
}

/** A real redis-server per test file, emptied before each test. */
export interface RedisFixture {
  server: EmbeddedRedis;
  redis: Redis;
  config: Config;
  engine: QueueEngine;
  /** Seconds since epoch that the engine sees; tests move it. */
  clock: { now: number };
  connect(): Redis;
}

export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({ NODE_ENV: "test", ...env });
}

export function useRedis(env: Record<string, string> = {}): RedisFixture {
  const fixture = { clock: { now: 1_800_000_000 } } as RedisFixture;
  beforeAll(async () => {
    // DEBUG SLEEP lets a test stall Redis the way an overloaded server stalls.
    fixture.server = await startEmbeddedRedis("redis-server", ["--enable-debug-command", "local"]);
    fixture.config = testConfig({ REDIS_URL: fixture.server.url, ...env });
    fixture.connect = () => {
      const client = new Redis(fixture.server.url, { maxRetriesPerRequest: 1 });
      defineScripts(client);
      return client;
    };
    fixture.redis = fixture.connect();
    // Under REDRIVE_TEST_ACL the engine runs as the least-privilege user (./acl.ts).
    const engineRedis = ACL_MODE
      ? aclClient(await createAclUser(fixture.server, env))
      : fixture.redis;
    fixture.engine = new QueueEngine(engineRedis, fixture.config, () => fixture.clock.now);
  });
  beforeEach(async () => {
    fixture.clock.now = 1_800_000_000;
    await fixture.redis.flushall();
  });
  afterAll(async () => {
    const denials =
      ACL_MODE && fixture.redis?.status === "ready" ? await aclDenials(fixture.redis) : [];
    fixture.redis?.disconnect();
    if (fixture.engine?.ctx.redis !== fixture.redis) fixture.engine?.ctx.redis.disconnect();
    await fixture.server?.stop();
    expect(denials, "commands or keys the least-privilege user was refused").toEqual([]);
  });
  return fixture;
}
