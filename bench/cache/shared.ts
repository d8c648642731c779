import Redis, { type RedisOptions } from "ioredis";
import type { RedisCache } from "../../lib/cache/cache";
import { oneServer } from "../../lib/redis/client";
import type { Target } from "../lib/summary";

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves when an ioredis client (either major version) is ready for commands. */
export async function ready(client: {
  readonly status: string;
  once(event: "ready", listener: () => void): unknown;
}): Promise<void> {
  if (client.status === "ready") return;
  await new Promise<void>((resolve) => client.once("ready", resolve));
}

/**
 * The options RedisCache.connect gave its own client (lib/cache/cache.ts), read
 * from that client, so that the raw GET baseline and bentocache run on the same
 * client setup whatever cache.ts chooses.
 */
export function cacheClientOptions(cache: RedisCache) {
  const o = oneServer(cache.redis).options;
  return {
    enableAutoPipelining: o.enableAutoPipelining,
    enableOfflineQueue: o.enableOfflineQueue,
    maxRetriesPerRequest: o.maxRetriesPerRequest,
    retryStrategy: o.retryStrategy,
  } satisfies RedisOptions;
}

export interface KeyspaceStats {
  hits: number;
  misses: number;
  commands: number;
}

export async function keyspaceStats(redis: Redis): Promise<KeyspaceStats> {
  const info = await redis.info("stats");
  const field = (name: string) => Number(new RegExp(`${name}:(\\d+)`).exec(info)?.[1] ?? NaN);
  return {
    hits: field("keyspace_hits"),
    misses: field("keyspace_misses"),
    commands: field("total_commands_processed"),
  };
}

export interface ScenarioResult {
  targets: Target[];
  results: Record<string, unknown>;
  redisVersion: string;
}
