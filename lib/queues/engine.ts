import "server-only";
import type Redis from "ioredis";
import type { Config } from "../config";
import type { EngineContext } from "./context";
import * as dlq from "./dlq";
import * as producer from "./producer";
import * as retry from "./retry";
import { getStats } from "./stats";
import * as tail from "./tail";

/**
 * The queue engine: the seed's redis_pubsub methods and what an admin needs
 * beside them, over one connection. Each method is a thin call into the module
 * that owns it, so tests and the API can also call those directly.
 */
export class QueueEngine {
  readonly ctx: EngineContext;

  constructor(redis: Redis, config: Config, now?: () => number) {
    this.ctx = { redis, config, now };
  }

  enqueue(queue: string, message: producer.MessageInput) {
    return producer.enqueue(this.ctx, queue, message);
  }
  pushToDlq(queue: string, message: producer.MessageInput, error: unknown, retryCount: number) {
    return producer.pushToDlq(this.ctx, queue, message, error, retryCount);
  }
  pushToRetryQueue(queue: string, message: producer.MessageInput, retryCount: number) {
    return producer.pushToRetryQueue(this.ctx, queue, message, retryCount);
  }
  getReadyRetries(queue: string, limit?: number) {
    return retry.getReadyRetries(this.ctx, queue, limit);
  }
  getRetries(queue: string, offset: number, limit: number) {
    return retry.getRetries(this.ctx, queue, offset, limit);
  }
  promoteDue(queue: string, signal?: AbortSignal) {
    return retry.promoteDue(this.ctx, queue, signal);
  }
  retryNow(queue: string, rank: number, identity: string) {
    return retry.retryNow(this.ctx, queue, rank, identity);
  }
  retryAllNow(queue: string, signal?: AbortSignal) {
    return retry.retryAllNow(this.ctx, queue, signal);
  }
  getDlqCount(queue: string) {
    return dlq.getDlqCount(this.ctx, queue);
  }
  getDlqMessages(queue: string, offset?: number, limit?: number) {
    return dlq.getDlqMessages(this.ctx, queue, offset, limit);
  }

  getDlqMessage(queue: string, index: number, identity: string) {
    return dlq.getDlqMessage(this.ctx, queue, index, identity);
  }
  requeueFromDlq(queue: string, index: number, identity: string) {
    return dlq.requeueFromDlq(this.ctx, queue, index, identity);
  }
  deleteFromDlq(queue: string, index: number, identity: string) {
    return dlq.deleteFromDlq(this.ctx, queue, index, identity);
  }
  requeueMany(queue: string, targets: dlq.Target[]) {
    return dlq.moveByIdentity(this.ctx, queue, "requeue", targets);
  }
  deleteMany(queue: string, targets: dlq.Target[]) {
    return dlq.moveByIdentity(this.ctx, queue, "delete", targets);
  }
  requeueAll(queue: string, options?: tail.DrainOptions) {
    return tail.drainDlq(this.ctx, queue, "requeue", options);
  }
  deleteAll(queue: string, options?: tail.DrainOptions) {
    return tail.drainDlq(this.ctx, queue, "delete", options);
  }
  purgeExpired(queue: string) {
    return tail.purgeExpired(this.ctx, queue);
  }
  purgeOlderThan(queue: string, ageSeconds: number) {
    return tail.purgeOlderThan(this.ctx, queue, ageSeconds);
  }
  getStats() {
    return getStats(this.ctx);
  }
}
