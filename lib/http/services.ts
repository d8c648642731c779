import "server-only";
import type Redis from "ioredis";
import { getConfig, type Config } from "../config";
import { QueueEngine } from "../queues/engine";
import { createRedis } from "../redis/connection";

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
  redis: Redis;
  config: Config;
  engine: QueueEngine;
}

const globalForServices = globalThis as unknown as { redriveServices?: Services };

export function services(): Services {
  if (!globalForServices.redriveServices) {
    const config = getConfig();
    const redis = createRedis(config.REDIS_URL, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      commandTimeout: COMMAND_TIMEOUT_MS,
    });
    globalForServices.redriveServices = { redis, config, engine: new QueueEngine(redis, config) };
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
  const status = s.redis.status;
  if (status === "wait" || status === "connecting" || status === "connect") {
    if (status === "wait") void s.redis.connect().catch(() => undefined);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, timeoutMs);
      function done() {
        clearTimeout(timer);
        s.redis.off("ready", done);
        resolve();
      }
      s.redis.once("ready", done);
    });
  }
  return s;
}
