import "server-only";
import type { RedisClient } from "../redis/client";
import { getConfig, type Config } from "../config";
import { QueueEngine } from "../queues/engine";
import { createRedis } from "../redis/connection";
import { cacheRedisUrl } from "../redis-settings";
import { recordMasterChanges } from "../redis/topology";

/**
 * The process-wide Redis connection and engine of the dashboard, made on first
 * use. Commands fail fast while Redis is down (no offline queue), so a request
 * answers 503 at once instead of hanging; the client reconnects by itself.
 * A Redis that is up but does not answer (stopped, swapping) fails each command
 * after COMMAND_TIMEOUT_MS: every command Redrive sends is bounded to
 * milliseconds of work, so only a stalled server takes that long.
 */
export const COMMAND_TIMEOUT_MS = 3_000;

export interface Services {
  redis: RedisClient;
  /** The cache's Redis (CACHE_REDIS_URL): the queues' connection itself when that is not set. */
  cacheRedis: RedisClient;
  config: Config;
  engine: QueueEngine;
}

const globalForServices = globalThis as unknown as { redriveServices?: Services };

export function services(): Services {
  if (!globalForServices.redriveServices) {
    const config = getConfig();
    const connect = (url: string | undefined) =>
      createRedis(url, {
        enableOfflineQueue: false,
        maxRetriesPerRequest: 1,
        commandTimeout: COMMAND_TIMEOUT_MS,
      });
    const redis = connect(config.REDIS_URL);
    recordMasterChanges(redis, config);
    const cacheUrl = cacheRedisUrl(config);
    const cacheRedis = cacheUrl === config.REDIS_URL ? redis : connect(cacheUrl);
    const engine = new QueueEngine(redis, config);
    globalForServices.redriveServices = { redis, cacheRedis, config, engine };
  }
  return globalForServices.redriveServices;
}

/**
 * Waits (at most `timeoutMs`) for the first connection: the client fails fast
 * with no offline queue, so without this the first request after start-up
 * would answer 503 while Redis is up. Once connected, this returns at once.
 */
export async function connected(timeoutMs = 2_000): Promise<Services> {
  const s = services();
  await Promise.all(
    s.cacheRedis === s.redis
      ? [ready(s.redis, timeoutMs)]
      : [ready(s.redis, timeoutMs), ready(s.cacheRedis, timeoutMs)],
  );
  return s;
}

async function ready(redis: RedisClient, timeoutMs: number): Promise<void> {
  const status = redis.status;
  if (status !== "wait" && status !== "connecting" && status !== "connect") return;
  if (status === "wait") void redis.connect().catch(() => undefined);
  await new Promise<void>((resolve) => {
    const timer = setTimeout(done, timeoutMs);
    function done() {
      clearTimeout(timer);
      redis.off("ready", done);
      resolve();
    }
    redis.once("ready", done);
  });
}
