import Redis from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Config } from "@/lib/config";
import { QueueEngine } from "@/lib/queues/engine";
import { createRedis } from "@/lib/redis/connection";
import { readTopology, recordMasterChanges } from "@/lib/redis/topology";
import { testConfig } from "../helpers/redis";
import { MASTER_NAME, startSentinelSet, type SentinelSet } from "../helpers/sentinel";
import { until } from "../helpers/until";

/**
 * Through Sentinel: Redrive asks the sentinels for the master, follows a
 * failover without a restart, and records where the master went and when.
 */
let set: SentinelSet;
let config: Config;

beforeAll(async () => {
  set = await startSentinelSet();
  config = testConfig({ REDIS_SENTINELS: set.sentinelList, REDIS_SENTINEL_NAME: MASTER_NAME });
}, 60_000);

afterAll(async () => {
  await set?.stop();
});

describe("Redis through Sentinel", () => {
  it("should follow a failover without a restart and record the new master", async () => {
    const redis = createRedis(undefined, { maxRetriesPerRequest: 1 }, config);
    recordMasterChanges(redis, config);
    const engine = new QueueEngine(redis, config);
    try {
      await engine.enqueue("document", { job_id: "before" });
      const first = await until(async () => {
        const t = await readTopology(redis, config);
        return t.since !== null ? t : null;
      }, "the first master recorded");
      expect(first).toMatchObject({ mode: "sentinel", master: `127.0.0.1:${set.master.port}` });

      // Replication is asynchronous: what the replica has not received when it is
      // promoted is gone. This test is about following the master, so let it catch up.
      await redis.call("WAIT", "1", "2000");
      const sentinel = new Redis(set.sentinels[0]!.port, "127.0.0.1");
      await sentinel.call("SENTINEL", "FAILOVER", MASTER_NAME);
      sentinel.disconnect();
      expect(await set.waitForNewMaster(set.master.port)).toBe(set.replica.port);
      // The client follows by itself (no restart), and records the move.
      const moved = await until(async () => {
        const t = await readTopology(redis, config);
        return t.master === `127.0.0.1:${set.replica.port}` && t.since !== null ? t : null;
      }, "the client following the new master");
      // Until Sentinel turns the old master into a replica, it still takes writes, and
      // they are lost when it resyncs: only a write on the new master counts here.
      await engine.enqueue("document", { job_id: "after" });
      expect(moved.previous).toBe(`127.0.0.1:${set.master.port}`);
      expect(moved.since).toBeGreaterThanOrEqual(first.since!);
      const onNewMaster = new Redis(set.replica.port, "127.0.0.1");
      const ids = (await onNewMaster.lrange("document_queue", 0, -1)).map(
        (m) => (JSON.parse(m) as { job_id: string }).job_id,
      );
      onNewMaster.disconnect();
      expect(ids.sort()).toEqual(["after", "before"]);
    } finally {
      redis.disconnect();
    }
  }, 60_000);

  it("should report standalone with no failover history when no sentinels are configured", async () => {
    const standalone = testConfig({ REDIS_URL: `redis://127.0.0.1:${set.replica.port}` });
    const redis = createRedis(undefined, { maxRetriesPerRequest: 1 }, standalone);
    try {
      await redis.ping();
      expect(await readTopology(redis, standalone)).toEqual({
        mode: "standalone",
        master: `127.0.0.1:${set.replica.port}`,
        masters: [`127.0.0.1:${set.replica.port}`],
        since: null,
        previous: null,
      });
    } finally {
      redis.disconnect();
    }
  });

  it("should refuse a sentinel list that is not host:port", () => {
    expect(() => testConfig({ REDIS_SENTINELS: "127.0.0.1" })).toThrow(
      /REDIS_SENTINELS: expected host:port entries/,
    );
  });
});
