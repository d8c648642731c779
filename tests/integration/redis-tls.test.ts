import Redis from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWorker } from "@/chaos/lib/worker";
import { RedisCache } from "@/lib/cache/cache";
import { QueueEngine } from "@/lib/queues/engine";
import { createRedis } from "@/lib/redis/connection";
import type { RedisClient } from "@/lib/redis/client";
import { testConfig } from "../helpers/redis";
import { startTlsRedis, tlsEnv, type TlsRedis } from "../helpers/tls";
import { until } from "../helpers/until";

/**
 * rediss:// with the CA and client certificate from REDIS_TLS_*: the engine,
 * the cache client and the worker service over TLS against a redis-server
 * that asks every client for a certificate, and the refusals a wrong set-up
 * gets.
 */
let t: TlsRedis;
let plain: Redis;

beforeAll(async () => {
  t = await startTlsRedis();
  plain = new Redis(t.server.url, { maxRetriesPerRequest: 1 });
});

afterAll(async () => {
  plain?.disconnect();
  await t?.server.stop();
});

/** Resolves with the first error a client reports, or null once it is ready. */
function firstError(redis: RedisClient): Promise<Error | null> {
  return new Promise((resolve) => {
    redis.once("ready", () => resolve(null));
    redis.once("error", (error: Error) => resolve(error));
  });
}

describe("Redis over TLS", () => {
  it("should requeue through the engine when the URL is rediss:// and the files are configured", async () => {
    const config = testConfig(tlsEnv(t));
    const redis = createRedis(undefined, { maxRetriesPerRequest: 1 }, config);
    try {
      const engine = new QueueEngine(redis, config);
      await engine.pushToDlq("document", { job_id: "j1", filename: "a.pdf" }, new Error("x"), 3);
      const [entry] = await engine.getDlqMessages("document", 0, 1);
      await engine.requeueFromDlq("document", 0, entry!.identity);
      expect(await plain.llen("document_queue")).toBe(1);
      expect(await plain.llen("document_dlq")).toBe(0);
    } finally {
      redis.disconnect();
      await plain.flushall();
    }
  });

  it("should cache over TLS when the cache client is made from the same configuration", async () => {
    const config = testConfig(tlsEnv(t));
    const cache = RedisCache.connect(t.tlsUrl, config);
    try {
      expect(await cache.ready()).toBe(true);
      await cache.set("user:1", { name: "a" });
      expect(await cache.get("user:1")).toEqual({ name: "a" });
    } finally {
      await cache.close();
      await plain.flushall();
    }
  });

  it("should refuse the server's certificate when REDIS_TLS_CA_FILE is another authority", async () => {
    const config = testConfig({ ...tlsEnv(t), REDIS_TLS_CA_FILE: t.files.otherCa });
    const redis = createRedis(
      undefined,
      { maxRetriesPerRequest: 1, retryStrategy: () => null },
      config,
    );
    const error = await firstError(redis);
    redis.disconnect();
    expect(error?.message).toMatch(/certificate/);
  });

  it("should be turned away by a server that asks for a client certificate when none is configured", async () => {
    const { REDIS_TLS_CERT_FILE: _c, REDIS_TLS_KEY_FILE: _k, ...env } = tlsEnv(t);
    const redis = createRedis(
      undefined,
      { maxRetriesPerRequest: 1, retryStrategy: () => null },
      testConfig(env),
    );
    const ready = await firstError(redis);
    const ping = await redis.ping().catch((e: unknown) => e);
    redis.disconnect();
    expect(ready !== null || ping instanceof Error).toBe(true);
  });

  it("should say which file it cannot read when a TLS file is missing", () => {
    const config = testConfig({ ...tlsEnv(t), REDIS_TLS_CA_FILE: "/nonexistent/ca.crt" });
    expect(() => createRedis(undefined, {}, config)).toThrow(
      'REDIS_TLS_CA_FILE: cannot read "/nonexistent/ca.crt" (ENOENT)',
    );
  });

  it("should promote a due retry when the worker service runs over TLS", async () => {
    await plain.zadd("audio_retry", String(Date.now() / 1000 - 5), '{"job_id":"tls"}');
    const worker = startWorker({ ...tlsEnv(t), RETRY_WORKER_INTERVAL_SECONDS: "0.2" });
    try {
      await until(async () => (await plain.llen("audio_queue")) > 0, "promotion over TLS", 20_000);
    } finally {
      await worker.kill("SIGTERM");
      await plain.flushall();
    }
  }, 30_000);
});

describe("TLS settings", () => {
  it("should refuse TLS files when no Redis URL uses TLS", () => {
    expect(() =>
      testConfig({ REDIS_URL: "redis://127.0.0.1:6379", REDIS_TLS_CA_FILE: "/tmp/ca.crt" }),
    ).toThrow(/no Redis URL uses TLS; write rediss:\/\//);
  });

  it("should refuse a client certificate without its key", () => {
    expect(() =>
      testConfig({ REDIS_URL: "rediss://127.0.0.1:6379", REDIS_TLS_CERT_FILE: "/tmp/c.crt" }),
    ).toThrow(/set both/);
  });
});
