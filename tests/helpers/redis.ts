import Redis from "ioredis";
import { afterAll, beforeAll, beforeEach } from "vitest";
import { loadConfig, type Config } from "@/lib/config";
import { QueueEngine } from "@/lib/queues/engine";
import { defineScripts } from "@/lib/redis/scripts";
import { startEmbeddedRedis, type EmbeddedRedis } from "@/scripts/embedded-redis";

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
    fixture.engine = new QueueEngine(fixture.redis, fixture.config, () => fixture.clock.now);
  });
  beforeEach(async () => {
    fixture.clock.now = 1_800_000_000;
    await fixture.redis.flushall();
  });
  afterAll(async () => {
    fixture.redis?.disconnect();
    await fixture.server?.stop();
  });
  return fixture;
}
