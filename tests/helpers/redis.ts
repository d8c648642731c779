import Redis from "ioredis";
import { afterAll, beforeAll, beforeEach, expect } from "vitest";
import { duplicateClient, oneServer, type RedisClient } from "@/lib/redis/client";
import { loadConfig, type Config } from "@/lib/config";
import { QueueEngine } from "@/lib/queues/engine";
import { defineScripts } from "@/lib/redis/scripts";
import { startEmbeddedRedis, type EmbeddedRedis } from "@/scripts/embedded-redis";
import { ACL_MODE, aclDenials, createAclUser } from "./acl";
import { startLocalCluster, type LocalCluster } from "@/scripts/local-cluster";
import { CLUSTER_MODE, clusterClient, clusterEnv, flushAll } from "./cluster-mode";

function aclClient(url: string): Redis {
  const client = new Redis(url, { maxRetriesPerRequest: 1 });
  defineScripts(client);
  return client;
}

/**
 * A real redis-server per test file (a local Cluster under REDRIVE_TEST_CLUSTER,
 * ./cluster-mode.ts), emptied before each test.
 */
export interface RedisFixture {
  /** The server; on the Cluster, its first node. */
  server: EmbeddedRedis;
  cluster?: LocalCluster;
  /** What points a child process (the worker, say) at this Redis: REDIS_URL, or the Cluster's. */
  env: Record<string, string>;
  redis: RedisClient;
  config: Config;
  engine: QueueEngine;
  /** Seconds since epoch that the engine sees; tests move it. */
  clock: { now: number };
  connect(): RedisClient;
}

export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({ NODE_ENV: "test", ...env });
}

export function useRedis(env: Record<string, string> = {}): RedisFixture {
  const fixture = { clock: { now: 1_800_000_000 } } as RedisFixture;
  beforeAll(async () => {
    if (CLUSTER_MODE) return startCluster(fixture, env);
    // DEBUG SLEEP lets a test stall Redis the way an overloaded server stalls.
    fixture.server = await startEmbeddedRedis("redis-server", ["--enable-debug-command", "local"]);
    fixture.env = { REDIS_URL: fixture.server.url };
    fixture.config = testConfig({ ...fixture.env, ...env });
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
    await flushAll(fixture.redis);
  });
  afterAll(async () => {
    const denials =
      ACL_MODE && fixture.redis?.status === "ready"
        ? await aclDenials(oneServer(fixture.redis))
        : [];
    fixture.redis?.disconnect();
    if (fixture.engine?.ctx.redis !== fixture.redis) fixture.engine?.ctx.redis.disconnect();
    await (fixture.cluster ?? fixture.server)?.stop();
    expect(denials, "commands or keys the least-privilege user was refused").toEqual([]);
  });
  return fixture;
}

async function startCluster(fixture: RedisFixture, env: Record<string, string>): Promise<void> {
  const cluster = await startLocalCluster();
  fixture.cluster = cluster;
  fixture.server = cluster.nodes[0]!;
  fixture.env = clusterEnv(cluster);
  fixture.config = testConfig({ ...fixture.env, ...env });
  fixture.redis = await clusterClient(cluster);
  fixture.connect = () => {
    const client = duplicateClient(fixture.redis);
    defineScripts(client);
    return client;
  };
  fixture.engine = new QueueEngine(fixture.redis, fixture.config, () => fixture.clock.now);
}
