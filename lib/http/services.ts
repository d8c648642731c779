import "server-only";
import type Redis from "ioredis";
import { getConfig, type Config } from "../config";
import { QueueEngine } from "../queues/engine";
import { createRedis } from "../redis/connection";

/**
 * The process-wide Redis connection and engine of the dashboard, made on first
 * use. Commands fail fast while Redis is down (no offline queue), so a request
 * answers 503 at once instead of hanging; the client reconnects by itself.
 */
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
    });
    globalForServices.redriveServices = { redis, config, engine: new QueueEngine(redis, config) };
  }
  return globalForServices.redriveServices;
}
