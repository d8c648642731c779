import "server-only";
import Redis, { Cluster, type RedisOptions } from "ioredis";
import { getConfig, type Config } from "../config";
import type { RedisClient } from "./client";
import { defineScripts } from "./scripts";
import { clusterSettings, sentinelOptions, tlsOptionsFor } from "../redis-settings";

/**
 * The one connection factory. Every client gets Redrive's Lua commands, so a
 * caller never has to remember to load them, and a rediss:// URL gets the
 * configured CA and client certificate (lib/redis-settings.ts). The queue
 * Redis is a Cluster when REDIS_CLUSTER_NODES is set, found through Sentinel
 * when REDIS_SENTINELS is, else the server REDIS_URL names.
 */
export function createRedis(
  url?: string,
  options: RedisOptions = {},
  config: Config = getConfig(),
): RedisClient {
  const target = url ?? config.REDIS_URL;
  const base: RedisOptions = {
    // Fail fast instead of queueing commands forever while Redis is down.
    maxRetriesPerRequest: 2,
    connectTimeout: 5_000,
    retryStrategy: (times) => Math.min(50 * 2 ** times, 2_000),
    // No CLIENT SETINFO on connect: the least-privilege user (lib/redis-acl.ts)
    // is not granted it, and each refusal would be an ACL LOG entry.
    disableClientInfo: true,
  };
  // The queue Redis on a Cluster or through Sentinel: the configured URL names credentials, not a host.
  const cluster = target === config.REDIS_URL ? clusterSettings(config) : null;
  if (cluster) {
    const redisOptions = { ...base, ...cluster.redisOptions, ...options };
    return withScripts(
      new Cluster(cluster.nodes, {
        redisOptions,
        // Replicas may lag: every read and write goes to the master of its slot.
        scaleReads: "master",
        enableOfflineQueue: options.enableOfflineQueue ?? true,
        enableAutoPipelining: options.enableAutoPipelining ?? false,
        slotsRefreshTimeout: 2_000,
      }),
    );
  }
  const sentinel = target === config.REDIS_URL ? sentinelOptions(config) : null;
  if (sentinel) {
    const redis = new Redis({ ...base, ...sentinel, ...options });
    return withScripts(redis);
  }
  if (!target) {
    throw new Error("REDIS_URL is not set: point it at Redis, or start the demo (npm run demo)");
  }
  const tls = tlsOptionsFor(target, config);
  return withScripts(new Redis(target, { ...base, ...(tls ? { tls } : {}), ...options }));
}

function withScripts<C extends RedisClient>(redis: C): C {
  defineScripts(redis);
  redis.on("error", reportOnce);
  return redis;
}

let lastReport = 0;

/** ioredis retries by itself; one line every 5 s says so instead of one per attempt. */
function reportOnce(error: Error): void {
  const now = Date.now();
  if (now - lastReport < 5_000) return;
  lastReport = now;
  process.stderr.write(`redis connection error (retrying): ${error.message}\n`);
}
