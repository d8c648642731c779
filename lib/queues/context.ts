import type { RedisClient } from "../redis/client";
import type { Config } from "../config";
import { queueKeys, type QueueKeys } from "./keys";

/** What one bulk call handled (see batch.ts); tests check the byte budget with it. */
export interface BatchReport {
  /** The script called. */
  op: string;
  /** Entries it moved (or, for a read, returned). */
  entries: number;
  /** Their bytes, with the values pushed for them when Node.js sends those. */
  bytes: number;
  /** Bytes of entries the script read in Redis, including one it read and left for the next call. */
  read: number;
}

/** What every engine function needs: a connection and the validated config. */
export interface EngineContext {
  redis: RedisClient;
  /** The cache's Redis when CACHE_REDIS_URL names another server; `redis` otherwise. */
  cacheRedis?: RedisClient;
  config: Config;
  /** Injectable clock (epoch seconds) so that tests can stand at a boundary. */
  now?: () => number;
  /** Called after every bulk call with what it handled (see batch.ts). */
  onBatch?: (batch: BatchReport) => void;
}

export function nowSeconds(ctx: EngineContext): number {
  return ctx.now ? ctx.now() : Date.now() / 1000;
}

export function keysOf(ctx: EngineContext, queue: string): QueueKeys {
  return queueKeys(ctx.config, queue);
}

export const BATCH = 1000;

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}
