import { createRequire } from "node:module";
import { join } from "node:path";
import { PEERS_DIR } from "./peers";
import type { Tappable } from "./tap";

/**
 * BullMQ, loaded from bench/peers at run time. The types below are the few
 * members the benchmarks use, declared here so that type-checking the project
 * never needs bench/peers/node_modules (CI does not install the peers).
 */
export interface BullConnection {
  host: string;
  port: number;
  maxRetriesPerRequest: null;
  /** The Redis database (0 unless given). */
  db?: number;
}

export interface BullJobOptions {
  delay?: number;
  attempts?: number;
}

export interface BullQueue {
  readonly name: string;
  waitUntilReady(): Promise<unknown>;
  addBulk(jobs: { name: string; data: unknown; opts?: BullJobOptions }[]): Promise<unknown[]>;
  /** Loops moveJobsToWait (`count` jobs per call, 1000 by default) until no delayed job is left. */
  promoteJobs(opts?: { count?: number }): Promise<void>;
  /** Loops moveJobsToWait over a finished state until it is empty. */
  retryJobs(opts?: {
    count?: number;
    state?: "failed" | "completed";
    timestamp?: number;
  }): Promise<void>;
  /** Deletes finished jobs of a state older than `grace` ms, `limit` at most (0: all), 10 000 per call. */
  clean(grace: number, limit: number, type: "failed" | "completed"): Promise<string[]>;
  /** The queue's Redis backend; its client is bench/peers' ioredis, for counting what it sends. */
  getBackend(): { readonly client: Promise<Tappable> };
  getDelayedCount(): Promise<number>;
  getWaitingCount(): Promise<number>;
  getFailedCount(): Promise<number>;
  close(): Promise<void>;
}

export interface BullWorker {
  close(): Promise<void>;
}

export interface BullMQ {
  Queue: new (name: string, opts: { connection: BullConnection }) => BullQueue;
  Worker: new (
    name: string,
    processor: () => Promise<unknown>,
    opts: { connection: BullConnection; concurrency?: number },
  ) => BullWorker;
}

export function loadBullMQ(): BullMQ {
  return createRequire(join(PEERS_DIR, "package.json"))("bullmq") as BullMQ;
}

/** Jobs per addBulk call while loading. */
const ADD_CHUNK = 1000;

/**
 * `n` failed jobs in `queue`, made the way BullMQ makes them: added in bulks of
 * 1000 with one attempt each, then failed by a worker whose processor throws
 * `reason` (BullMQ records the message and the stack trace: the thrown error's
 * own, or `stack` when given). Never timed.
 */
export async function addFailedJobs(
  bull: BullMQ,
  queue: BullQueue,
  connection: BullConnection,
  n: number,
  job: (i: number) => { name: string; data: unknown },
  reason: string,
  stack?: string,
): Promise<void> {
  for (let start = 0; start < n; start += ADD_CHUNK) {
    const jobs = [];
    for (let i = start; i < Math.min(n, start + ADD_CHUNK); i++) {
      jobs.push({ ...job(i), opts: { attempts: 1 } });
    }
    await queue.addBulk(jobs);
  }
  const fail = () => {
    const error = new Error(reason);
    if (stack !== undefined) error.stack = stack;
    return Promise.reject(error);
  };
  const worker = new bull.Worker(queue.name, fail, {
    connection,
    concurrency: 200,
  });
  while ((await queue.getFailedCount()) < n) await new Promise((r) => setTimeout(r, 200));
  await worker.close();
}
