import Redis from "ioredis";
import { describe, expect, it } from "vitest";
import { clearCache } from "@/lib/cache/clear";
import { inspectCache, serverStats } from "@/lib/cache/inspect";
import { readInfo } from "@/lib/redis/info";
import { keyCount } from "@/lib/redis/keyspace";
import { testConfig, useRedis } from "../helpers/redis";
import { allKeys, CLUSTER_MODE, qk, resetStats, setMany } from "../helpers/cluster-mode";

const r = useRedis({ REDIS_DLQ_DOCUMENT: "user:dlq" });

async function hitsAndMisses() {
  const info = await readInfo(r.redis, "stats");
  return [Number(info.keyspace_hits), Number(info.keyspace_misses)];
}

async function fill(prefix: string, n: number, value = "v") {
  const keys = Array.from({ length: n }, (_, j) => `${prefix}${j}`);
  await setMany(r.redis, keys, value, 600);
}

describe("serverStats", () => {
  it("should compute the hit rate from the difference between two samples", async () => {
    await resetStats(r.redis);
    await r.redis.set("user:1", "x");
    for (let i = 0; i < 10; i++) await r.redis.get("user:1"); // lifetime: 10 hits
    const first = await serverStats(r.redis, 1000);
    expect(first.hitRate).toBeNull();
    expect(first.lifetimeHitRate).toBe(1);
    for (let i = 0; i < 3; i++) await r.redis.get("user:1");
    await r.redis.get("user:none");
    const second = await serverStats(r.redis, 1005);
    expect(second.windowSeconds).toBe(5);
    expect(second.hitRate).toBe(0.75);
    expect(second.keys).toBeGreaterThan(0);
    expect(second.usedMemory).toBeGreaterThan(0);
  });
});

describe("inspectCache", () => {
  it("should count keys and memory per namespace exactly on a small keyspace", async () => {
    await fill("user:", 30);
    await fill("job:status:", 5);
    await r.redis.set("doc:summary:big", "x".repeat(50_000));
    await r.redis.set("unrelated", "1");
    await r.redis.lpush(qk("document_queue"), "m");
    await r.redis.lpush("user:dlq", "m"); // a DLQ renamed into the user: prefix is still not cache
    const overview = await inspectCache(r.redis, r.config, { maxAgeSeconds: 0 });
    const by = Object.fromEntries(overview.namespaces.map((n) => [n.namespace, n]));
    expect(overview.sample.exact).toBe(true);
    expect(by.user!.estimatedKeys).toBe(30);
    expect(by.job_status!.estimatedKeys).toBe(5);
    expect(by.other!.estimatedKeys).toBe(1);
    expect(overview.redriveKeys.estimatedKeys).toBe(2);
    expect(overview.topKeys[0]).toMatchObject({ key: "doc:summary:big", namespace: "doc_summary" });
    expect(overview.topKeys[0]!.bytes).toBeGreaterThan(50_000);
    expect(overview.server.expires).toBe(35);
  });

  it("should extrapolate from a sample of at most 10 000 keys", async () => {
    await fill("user:", 15_000);
    await fill("graph:j:", 5_000);
    const overview = await inspectCache(r.redis, r.config, { maxAgeSeconds: 0 });
    const by = Object.fromEntries(overview.namespaces.map((n) => [n.namespace, n]));
    expect(overview.sample.scanned).toBe(10_000);
    expect(overview.sample.exact).toBe(false);
    expect(by.user!.estimatedKeys + by.graph!.estimatedKeys).toBeCloseTo(20_000, -2);
    expect(by.user!.estimatedKeys).toBeGreaterThan(13_500);
    expect(by.user!.estimatedKeys).toBeLessThan(16_500);
  });

  it("should not count as hits or misses on the keys it inspects", async () => {
    await fill("user:", 100);
    const [hits, misses] = await hitsAndMisses();
    await inspectCache(r.redis, r.config, { maxAgeSeconds: 0 });
    // One read, whatever the number of keys: the shared counters hash (absent here: a miss).
    expect(await hitsAndMisses()).toEqual([hits, misses! + 1]);
  });
});

// Its user is made on one server; the least-privilege project runs the ACL suites.
describe.skipIf(CLUSTER_MODE)("inspectCache as a least-privilege Redis user", () => {
  it("should count other applications' keys without reading them when sampling", async () => {
    // A user that may touch only this configuration's keys: every other key read is an ACL LOG entry.
    await r.redis.call(
      "ACL",
      "SETUSER",
      "cache-page",
      "reset",
      "on",
      ">pw",
      "~user:*",
      "~user:dlq",
      "~redrive:*",
      "+@all",
      "-@dangerous",
      "+info",
    );
    await r.redis.call("ACL", "LOG", "RESET");
    await r.redis.set("user:1", "x".repeat(1000));
    await r.redis.set("other:secret", "x".repeat(100_000));
    await r.redis.lpush("app_queue", "m");
    const client = new Redis(`redis://cache-page:pw@127.0.0.1:${r.server.port}`);
    try {
      const overview = await inspectCache(client, r.config, { maxAgeSeconds: 0 });
      expect(await r.redis.call("ACL", "LOG")).toEqual([]);
      const by = Object.fromEntries(overview.namespaces.map((n) => [n.namespace, n]));
      expect(by.other).toMatchObject({ estimatedKeys: 2, estimatedBytes: null });
      expect(by.user!.estimatedBytes).toBeGreaterThan(1000);
      expect(overview.topKeys.map((k) => k.key)).toEqual(["user:1"]);
    } finally {
      client.disconnect();
      await r.redis.call("ACL", "DELUSER", "cache-page");
    }
  });
});

describe("clearCache", () => {
  it("should clear one namespace and report how many keys went", async () => {
    await fill("user:", 20);
    await fill("graph:j:", 7);
    expect(await clearCache(r.redis, r.config, "graph")).toEqual({ graph: 7 });
    expect(await keyCount(r.redis)).toBe(20);
  });

  it("should clear all namespaces and leave every queue, retry, DLQ and metadata key", async () => {
    await fill("user:", 10);
    await fill("users:analysts:", 3);
    await fill("vector:search:", 4);
    const keep = [
      qk("document_queue"),
      qk("document_queue:processing"),
      qk("audio_retry"),
      "user:dlq",
      qk("video_dlq"),
      "dlq:metadata:j:f",
      "redrive:worker:heartbeat",
      "unrelated",
    ];
    for (const k of keep) await r.redis.set(k, "1");
    const result = await clearCache(r.redis, r.config);
    expect(result.user).toBe(10);
    expect(result.user_lists).toBe(3);
    expect(result.vector_search).toBe(4);
    expect((await allKeys(r.redis)).sort()).toEqual([...keep].sort());
  });

  it("should leave keys of the default layout when queues keep their names", async () => {
    const config = testConfig();
    await r.redis.set(qk("graph_dlq"), "1");
    await r.redis.set("graph:x", "1");
    await clearCache(r.redis, config, "graph");
    expect(await allKeys(r.redis)).toEqual([qk("graph_dlq")]);
  });
});
