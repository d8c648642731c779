import { randomUUID } from "node:crypto";
import { countFailure, metricsCountersKey } from "./counters";
import type { Config } from "../config";
import { keysOf, nowSeconds, type EngineContext } from "./context";
import { execBySlot } from "../redis/pipeline";
import { EngineError } from "./errors";
import {
  metadataFields,
  metadataKeyOf,
  toDlqEntry,
  toErrorInfo,
  withRetryCount,
  withRetryNonce,
} from "./message";

export type MessageInput = Buffer | string | Record<string, unknown>;

export function toBuffer(message: MessageInput): Buffer {
  if (Buffer.isBuffer(message)) return message;
  return Buffer.from(typeof message === "string" ? message : JSON.stringify(message));
}

/** Adds a message to a work queue the way the Python backend's producers do (LPUSH). */
export async function enqueue(ctx: EngineContext, queue: string, message: MessageInput) {
  return ctx.redis.lpush(keysOf(ctx, queue).work, toBuffer(message));
}

/**
 * Seconds to wait before retry number `attempt + 1`, after `attempt` retries:
 *   min(RETRY_BACKOFF_BASE_SECONDS × 2^attempt, RETRY_BACKOFF_MAX_SECONDS) × (1 + RETRY_JITTER_RATIO × u)
 * with u uniform in [0, 1): 60 s, 120 s, 240 s … with the defaults, each up to 10 % later,
 * so that a burst of failures does not come back as one burst.
 */
export function backoffSeconds(config: Config, attempt: number, random = Math.random): number {
  const base = Math.min(
    config.RETRY_BACKOFF_BASE_SECONDS * 2 ** attempt,
    config.RETRY_BACKOFF_MAX_SECONDS,
  );
  return base * (1 + config.RETRY_JITTER_RATIO * random());
}

/**
 * The Python backend's push_to_retry_queue: schedules `message` (which has had
 * `retryCount` retries) with retry_count + 1 at now + backoff. Returns the due
 * time in epoch seconds.
 */
export async function pushToRetryQueue(
  ctx: EngineContext,
  queue: string,
  message: MessageInput,
  retryCount: number,
): Promise<number> {
  const due = nowSeconds(ctx) + backoffSeconds(ctx.config, retryCount);
  let member = withRetryCount(toBuffer(message), retryCount + 1);
  const key = keysOf(ctx, queue).retry;
  // ZADD NX: an identical member already scheduled would otherwise absorb this one.
  while ((await ctx.redis.zadd(key, "NX", due, member)) === 0) {
    const unique = withRetryNonce(member, randomUUID());
    // Not a JSON object: nothing makes it unique, and trying again would spin on Redis.
    if (unique.equals(member)) {
      throw new EngineError(
        "CONFLICT",
        "an identical message that is not a JSON object is already scheduled",
      );
    }
    member = unique;
  }
  // The message is scheduled: a lost count must not make the caller schedule it again.
  await countFailure(ctx, queue, false).catch(() => undefined);
  return due;
}

/**
 * The Python backend's push_to_dlq: the DLQ entry (see toDlqEntry) and its metadata hash,
 * which expires after DLQ_RETENTION_DAYS, written in one MULTI.
 */
export async function pushToDlq(
  ctx: EngineContext,
  queue: string,
  message: MessageInput,
  error: unknown,
  retryCount: number,
): Promise<void> {
  const buf = toBuffer(message);
  const stamp = {
    error: toErrorInfo(error),
    retryCount,
    failedAt: new Date(nowSeconds(ctx) * 1000),
    originalQueue: queue,
  };
  const entry = toDlqEntry(buf, stamp);
  const metaKey = metadataKeyOf(entry);
  const counters = metricsCountersKey(ctx.config);
  // One MULTI on one server; on a Cluster the entry, its metadata hash and the
  // counters are in three slots, each written in its own (the entry carries its
  // error itself, so a hash that is missing for a moment loses nothing).
  await execBySlot(
    ctx.redis,
    [
      { key: keysOf(ctx, queue).dlq, add: (m) => m.lpush(keysOf(ctx, queue).dlq, entry) },
      {
        key: metaKey,
        add: (m) =>
          m
            .hset(metaKey, metadataFields(buf, stamp, entry))
            .expire(metaKey, retentionSeconds(ctx.config)),
      },
      {
        key: counters,
        add: (m) =>
          m.hincrby(counters, `${queue}:failed`, 1).hincrby(counters, `${queue}:dlq_in`, 1),
      },
    ],
    true,
  );
}

export function retentionSeconds(config: Config): number {
  return Math.max(1, Math.round(config.DLQ_RETENTION_DAYS * 86_400));
}
