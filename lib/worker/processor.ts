import "server-only";
import { countFailure } from "../queues/counters";
import { randomUUID } from "node:crypto";
import type { RedisClient } from "../redis/client";
import { runScript } from "../redis/scripts";
import { readTail, reportBatch } from "../queues/batch";
import { BATCH, keysOf, nowSeconds, type EngineContext } from "../queues/context";
import type { QueueKeys } from "../queues/keys";
import { checkLuaReply, EngineError, LuaCode } from "../queues/errors";
import {
  identityOf,
  metadataFields,
  metadataKeyOf,
  retryCountOf,
  sha1,
  toDlqEntry,
  toErrorInfo,
  withRetryCount,
  withRetryNonce,
} from "../queues/message";
import { backoffSeconds, retentionSeconds } from "../queues/producer";
import { execAll } from "../redis/pipeline";
import { parseTopLevel } from "../queues/rawJson";
import { logLine } from "../log";

/**
 * The Python backend's processor error handling as a harness: take a message reliably,
 * run a handler, and route a failure to the retry set while
 * retry_count < MAX_RETRY_ATTEMPTS, else to the DLQ.
 *
 * Reliability: BLMOVE moves the message into `<work>:processing` as it is
 * taken, and a lease (sha1 -> time) is touched while the handler runs. If the
 * consumer dies, the lease goes stale and the retry worker service returns the
 * message to its work queue (see recoverAbandoned).
 */

/** Thrown by a handler for a failure that retrying cannot fix: straight to the DLQ. */
export class PermanentError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "PermanentError";
  }
}

export interface TakenMessage {
  raw: Buffer;
  text: string;
  /** JSON.parse of the message when it is a JSON object, else null. */
  json: Record<string, unknown> | null;
  retryCount: number;
  identity: string;
}

export type Handler = (message: TakenMessage) => Promise<void>;

export type Outcome = "done" | "retry" | "dlq" | "lost";

export interface ProcessorOptions {
  queue: string;
  handler: Handler;
  /** A dedicated connection per slot is opened with this (BLMOVE blocks it). */
  connect: () => RedisClient;
  concurrency?: number;
  /** How long one BLMOVE waits, so that stop() is prompt. */
  blockSeconds?: number;
  onOutcome?: (outcome: Outcome, message: TakenMessage, error?: unknown) => void;
}

export class Processor {
  private running = false;
  private loops: Promise<void>[] = [];
  private readonly blockers: RedisClient[] = [];

  constructor(
    private readonly ctx: EngineContext,
    private readonly options: ProcessorOptions,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    const n = this.options.concurrency ?? 1;
    for (let i = 0; i < n; i++) {
      const blocker = this.options.connect();
      this.blockers.push(blocker);
      this.loops.push(this.loop(blocker));
    }
  }

  /** Finishes the messages in hand, then stops taking new ones. */
  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
    this.loops = [];
    this.blockers.splice(0).forEach((b) => b.disconnect());
  }

  private async loop(blocker: RedisClient): Promise<void> {
    const { work, processing } = keysOf(this.ctx, this.options.queue);
    const block = this.options.blockSeconds ?? 1;
    while (this.running) {
      let raw: Buffer | null;
      try {
        raw = await blocker.blmoveBuffer(work, processing, "RIGHT", "LEFT", block);
      } catch (error) {
        if (!this.running) return;
        logLine("warn", "take failed", { queue: this.options.queue, error: String(error) });
        await new Promise((r) => setTimeout(r, 500));
        continue;
      }
      if (!raw) continue;
      // On a Redis error the message stays in the processing list; its lease
      // goes stale and recoverAbandoned returns it to the work queue.
      await processOne(this.ctx, this.options, raw).catch((error: unknown) =>
        logLine("error", "settle failed", { queue: this.options.queue, error: String(error) }),
      );
    }
  }
}

function describe(raw: Buffer): TakenMessage {
  const obj = parseTopLevel(raw);
  const text = raw.toString("utf8");
  return {
    raw,
    text,
    json: obj ? (JSON.parse(text) as Record<string, unknown>) : null,
    retryCount: retryCountOf(raw, obj),
    identity: identityOf(raw, obj),
  };
}

/** Runs the handler on one taken message and settles it. Exported for tests. */
export async function processOne(
  ctx: EngineContext,
  options: Pick<ProcessorOptions, "queue" | "handler" | "onOutcome">,
  raw: Buffer,
): Promise<Outcome> {
  const keys = keysOf(ctx, options.queue);
  const sha = sha1(raw);
  const touch = () => ctx.redis.hset(keys.leases, sha, nowSeconds(ctx)).catch(() => 0);
  await touch();
  const leaseMs = (ctx.config.PROCESSING_LEASE_SECONDS * 1000) / 4;
  const timer = setInterval(() => void touch(), leaseMs);
  const message = describe(raw);
  let outcome: Outcome;
  let failure: unknown;
  try {
    await options.handler(message);
    outcome = await settle(async () => {
      checkLuaReply(
        await runScript(ctx.redis, "ack", [keys.processing, keys.leases], [raw, sha]),
        "ack",
      );
      return "done";
    });
  } catch (error) {
    failure = error;
    outcome = await settle(() => fail(ctx, options.queue, message, sha, error));
  } finally {
    clearInterval(timer);
  }
  options.onOutcome?.(outcome, message, failure);
  return outcome;
}

/** Maps a LOST reply to the "lost" outcome (the message was redelivered). */
async function settle(run: () => Promise<Outcome>): Promise<Outcome> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof EngineError && error.code === "LOST") return "lost";
    throw error;
  }
}

async function fail(
  ctx: EngineContext,
  queue: string,
  message: TakenMessage,
  sha: string,
  error: unknown,
): Promise<Outcome> {
  const keys = keysOf(ctx, queue);
  const attempts = message.retryCount;
  // A message that is not a JSON object cannot carry retry_count (nor a nonce): retried, it
  // would never use up its retries, and two identical ones would collide in the retry set
  // for ever. It goes to the DLQ at its first failure, where an admin sees it.
  const retryable = !(error instanceof PermanentError) && message.json !== null;
  if (retryable && attempts < ctx.config.MAX_RETRY_ATTEMPTS) {
    const due = nowSeconds(ctx) + backoffSeconds(ctx.config, attempts);
    let member = withRetryCount(message.raw, attempts + 1);
    for (;;) {
      const keysList = [keys.processing, keys.leases, keys.retry];
      const reply = await runScript(ctx.redis, "failToRetry", keysList, [
        message.raw,
        sha,
        due,
        member,
      ]);
      if (Number(reply) !== LuaCode.DUPLICATE) {
        checkLuaReply(reply, "failToRetry");
        await countFailure(ctx, queue, false).catch(() => undefined);
        return "retry";
      }
      member = withRetryNonce(member, randomUUID());
    }
  }
  const stamp = {
    error: toErrorInfo(error),
    retryCount: attempts,
    failedAt: new Date(nowSeconds(ctx) * 1000),
    originalQueue: queue,
  };
  const entry = toDlqEntry(message.raw, stamp);
  await writeMetadata(ctx, entry, metadataFields(message.raw, stamp, entry));
  const reply = await runScript(
    ctx.redis,
    "failToDlq",
    [keys.processing, keys.leases, keys.dlq],
    [message.raw, sha, entry],
  );
  checkLuaReply(reply, "failToDlq");
  // A lost count is a dent in a chart, not a lost message: never fail the message over it.
  await countFailure(ctx, queue, true).catch(() => undefined);
  return "dlq";
}

/**
 * Writes a DLQ entry's metadata hash, with its expiry, before the entry is
 * moved into the DLQ: the hash's key lies in another Cluster slot than the
 * lists, so the two cannot be one script. In this order a crash between them
 * leaves a hash that names (by dlq_entry_sha1) an entry that never arrived:
 * no view joins it to anything, and it expires with the retention. The other
 * order could leave a dead letter without its details.
 */
async function writeMetadata(
  ctx: EngineContext,
  entry: Buffer,
  fields: Record<string, string>,
): Promise<void> {
  const key = metadataKeyOf(entry);
  await execAll(ctx.redis.multi().hset(key, fields).expire(key, retentionSeconds(ctx.config)));
}

/**
 * Returns messages abandoned by dead consumers to their work queue. A message
 * in the processing list whose lease was not touched for
 * PROCESSING_LEASE_SECONDS is abandoned; one seen without a lease (its consumer
 * died between taking it and touching it) gets one now and is judged on a later
 * run. Live consumers touch their leases every quarter of that time. Looks at
 * the 1000 oldest, read a budget at a time (BATCH_BYTES); each recovery is one
 * call that moves one message.
 */
export async function recoverAbandoned(ctx: EngineContext, queue: string): Promise<number> {
  const keys = keysOf(ctx, queue);
  let seen = 0;
  let recovered = 0;
  while (seen < BATCH) {
    // Recovered messages left the tail; the ones only seen are still in front of the unread.
    const page = await readTail(ctx, keys.processing, seen - recovered, BATCH - seen);
    if (page.length === 0) break;
    recovered += await recoverPage(ctx, keys, page);
    seen += page.length;
  }
  return recovered;
}

async function recoverPage(
  ctx: EngineContext,
  keys: QueueKeys,
  entries: Buffer[],
): Promise<number> {
  const now = nowSeconds(ctx);
  const shas = entries.map((e) => sha1(e));
  const pipeline = ctx.redis.pipeline();
  for (const sha of shas) pipeline.hsetnx(keys.leases, sha, now);
  await pipeline.exec();
  const cutoff = now - ctx.config.PROCESSING_LEASE_SECONDS;
  const leases = await ctx.redis.hmget(keys.leases, ...shas);
  let recovered = 0;
  for (let i = 0; i < entries.length; i++) {
    if (Number(leases[i]) > cutoff) continue;
    const reply = await runScript(
      ctx.redis,
      "recoverStale",
      [keys.processing, keys.leases, keys.work],
      [entries[i]!, shas[i]!, cutoff],
    );
    recovered += checkLuaReply(reply, "recoverStale");
    reportBatch(ctx, "recoverStale", 1, entries[i]!.length);
  }
  return recovered;
}
