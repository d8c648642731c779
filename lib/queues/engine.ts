import "server-only";
import type { RedisClient } from "../redis/client";
import type { Config } from "../config";
import type { EngineContext } from "./context";
import * as move from "./dlq-move";
import * as read from "./dlq-read";
import * as producer from "./producer";
import * as purge from "./purge";
import * as retry from "./retry";
import { getStats } from "./stats";
import * as drain from "./drain";

/**
 * The queue engine: the producer's, the worker's and an admin's operations
 * over one connection. Each method is a thin call into the module
 * that owns it, so tests and the API can also call those directly.
 */
export class QueueEngine {
  readonly ctx: EngineContext;

  constructor(redis: RedisClient, config: Config, now?: () => number) {
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
    return read.getDlqCount(this.ctx, queue);
  }
  getDlqMessages(queue: string, offset?: number, limit?: number) {
    return read.getDlqMessages(this.ctx, queue, offset, limit);
  }
  getDlqMessage(queue: string, index: number, identity: string) {
    return read.getDlqMessage(this.ctx, queue, index, identity);
  }
  moveFromDlq(
    queue: string,
    index: number,
    identity: string,
    mode: move.MoveMode,
    options?: move.MoveOptions,
  ) {
    return move.moveFromDlq(this.ctx, queue, { identity, index }, mode, options);
  }
  moveMany(queue: string, targets: move.Target[], mode: move.MoveMode, options?: move.MoveOptions) {
    return move.moveMany(this.ctx, queue, targets, mode, options);
  }
  requeueFromDlq(queue: string, index: number, identity: string) {
    return this.moveFromDlq(queue, index, identity, "requeue");
  }
  deleteFromDlq(queue: string, index: number, identity: string) {
    return this.moveFromDlq(queue, index, identity, "delete");
  }
  requeueMany(queue: string, targets: move.Target[]) {
    return this.moveMany(queue, targets, "requeue");
  }
  deleteMany(queue: string, targets: move.Target[]) {
    return this.moveMany(queue, targets, "delete");
  }
  requeueAll(queue: string, options?: drain.DrainOptions) {
    return drain.drainDlq(this.ctx, queue, "requeue", options);
  }
  deleteAll(queue: string, options?: drain.DrainOptions) {
    return drain.drainDlq(this.ctx, queue, "delete", options);
  }
  purgeExpired(queue: string) {
    return purge.purgeExpired(this.ctx, queue);
  }
  purgeOlderThan(queue: string, ageSeconds: number) {
    return purge.purgeOlderThan(this.ctx, queue, ageSeconds);
  }
  getStats() {
    return getStats(this.ctx);
  }
}
