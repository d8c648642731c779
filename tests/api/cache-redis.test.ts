import Redis from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { startEmbeddedRedis, type EmbeddedRedis } from "@/scripts/embedded-redis";
import { useApp } from "../helpers/app";

/**
 * CACHE_REDIS_URL: the cache on its own Redis (the usual allkeys-lru one),
 * the queues on REDIS_URL. The cache page reads and clears the cache's
 * server, and never the queues' one.
 */
const TOKEN = "metrics-token-metrics-token";
const env: Record<string, string> = { REDRIVE_METRICS_TOKEN: TOKEN };
let cacheServer: EmbeddedRedis;
let cache: Redis;

const app = useApp(env, {
  beforeStart: async () => {
    cacheServer ??= await startEmbeddedRedis();
    cache ??= new Redis(cacheServer.url, { maxRetriesPerRequest: 1 });
    env.CACHE_REDIS_URL = cacheServer.url;
  },
});

afterAll(async () => {
  cache?.disconnect();
  await cacheServer?.stop();
});

interface Stats {
  namespaces: { namespace: string; estimatedKeys: number }[];
  sample: { dbsize: number };
}

describe("a separate Redis for the cache", () => {
  it("should inspect and clear the cache's Redis when CACHE_REDIS_URL names one", async () => {
    await cache.mset("user:1", "{}", "user:2", "{}", "graph:g", "{}");
    await app.redis.set("user:on-the-queue-redis", "{}");
    const viewer = await app.login("viewer");
    const stats = (await (
      await app.call("/api/admin/cache/stats", { cookie: viewer })
    ).json()) as Stats;
    expect(stats.sample.dbsize).toBe(3);
    expect(stats.namespaces.find((n) => n.namespace === "user")!.estimatedKeys).toBe(2);

    const admin = await app.login("admin");
    const cleared = await app.call("/api/admin/cache/clear?namespace=user", {
      cookie: admin,
      method: "DELETE",
      body: "{}",
    });
    expect(await cleared.json()).toEqual({ deleted: { user: 2 }, count: 2 });
    expect(await cache.keys("*")).toEqual(["graph:g"]);
    expect(await app.redis.get("user:on-the-queue-redis")).toBe("{}");
  });

  it("should keep sessions and queues on REDIS_URL when the cache has its own Redis", async () => {
    await app.redis.lpush("document_dlq", '{"job_id":"a"}');
    const viewer = await app.login("viewer");
    const page = await app.call("/api/admin/dlq/document", { cookie: viewer });
    expect(((await page.json()) as { total: number }).total).toBe(1);
    expect(await cache.keys("redrive:session*")).toEqual([]);
  });

  it("should give the cache Redis's own keys and memory in the metrics when CACHE_REDIS_URL names one", async () => {
    await cache.flushall();
    await cache.mset("user:1", "{}", "user:2", "{}", "graph:g", "{}");
    const headers = { authorization: `Bearer ${TOKEN}`, "cache-control": "no-cache" };
    const res = await app.call("/api/metrics", { headers });
    const text = await res.text();
    const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, "m").exec(text)?.[1]);
    expect(value("redrive_cache_redis_keys")).toBe(3);
    expect(value("redrive_cache_redis_memory_used_bytes")).toBeGreaterThan(0);
    expect(value("redrive_redis_up")).toBe(1);
  });
});
