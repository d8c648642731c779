import Redis from "ioredis";
import { loadConfig, type Config } from "../../lib/config";
import { QueueEngine } from "../../lib/queues/engine";
import { queueKeys, type QueueKeys } from "../../lib/queues/keys";
import { defineScripts } from "../../lib/redis/scripts";
import { deadLetters, type DlqWriter } from "../../bench/lib/data";
import { jobIdOf } from "./census";

/** The queue every scenario uses, and a client that waits out an outage instead of failing. */
export const QUEUE = "document";

export interface Observer {
  redis: Redis;
  config: Config;
  engine: QueueEngine;
  keys: QueueKeys;
}

/** `env`: settings beyond the queue (a short PROCESSING_LEASE_SECONDS, say), as the worker gets them. */
export function observe(url: string, env: Record<string, string> = {}): Observer {
  // Commands wait for the reconnection (the scenarios kill Redis on purpose).
  const redis = new Redis(url, { maxRetriesPerRequest: null, retryStrategy: () => 100 });
  redis.on("error", () => undefined);
  defineScripts(redis);
  const config = loadConfig({ NODE_ENV: "test", REDIS_URL: url, QUEUES: QUEUE, ...env });
  return { redis, config, engine: new QueueEngine(redis, config), keys: queueKeys(config, QUEUE) };
}

/** Fills the queue's DLQ with `n` dead letters as `writer` writes them; returns their job ids. */
export async function loadDeadLetters(
  o: Observer,
  n: number,
  writer: DlqWriter = "python",
): Promise<Set<string>> {
  const next = deadLetters(writer, QUEUE, new Date(), { seed: 12 });
  const ids = new Set<string>();
  for (let at = 0; at < n; at += 1000) {
    const entries = Array.from({ length: Math.min(1000, n - at) }, (_, i) => next(at + i).entry);
    for (const e of entries) ids.add(jobIdOf(e)!);
    await o.redis.lpush(o.keys.dlq, ...entries);
  }
  return ids;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `probe` every 50 ms until it returns a value other than undefined; throws after `timeoutMs`. */
export async function waitUntil<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 60_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}

/** Waits until the queue's retry set, work list and processing list are all empty. */
export async function waitForDrain(o: Observer, timeoutMs = 60_000): Promise<void> {
  await waitUntil(
    "the queue to drain",
    async () => {
      const [retry, work, processing] = await Promise.all([
        o.redis.zcard(o.keys.retry),
        o.redis.llen(o.keys.work),
        o.redis.llen(o.keys.processing),
      ]);
      return retry + work + processing === 0 ? true : undefined;
    },
    timeoutMs,
  );
}
