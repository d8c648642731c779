import { createRequire } from "node:module";
import { join } from "node:path";
import { PEERS_DIR } from "./peers";

/**
 * BullMQ, loaded from bench/peers at run time. The types below are the few
 * members the benchmarks use, declared here so that type-checking the project
 * never needs bench/peers/node_modules (CI does not install the peers).
 */
export interface BullConnection {
  host: string;
  port: number;
  maxRetriesPerRequest: null;
}

export interface BullJobOptions {
  delay?: number;
  attempts?: number;
}

export interface BullQueue {
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
