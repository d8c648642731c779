import { spawn } from "node:child_process";
import { test as base, expect, type Page } from "@playwright/test";
import Redis from "ioredis";
import { e2eEnv } from "./setup-env";
import { SCHEMA_VERSION } from "../../lib/schema/version";

/**
 * Every browser test gets a Redis client on the dashboard's Redis, emptied
 * before the test (the worker service writes its heartbeat again within a second),
 * with the stored state's schema left at this release's.
 */
export const test = base.extend<{ redis: Redis }>({
  redis: async ({}, use) => {
    const client = new Redis(e2eEnv().redisUrl, { maxRetriesPerRequest: 1 });
    // The outage test stops this Redis: reconnect errors are expected, not news.
    client.on("error", () => undefined);
    await client.flushall();
    // What the worker writes again within its schema check: a flushed Redis is not an old one.
    await client.hset("redrive:schema", "version", SCHEMA_VERSION);
    await use(client);
    client.disconnect();
  },
});

export { expect };

/**
 * Waits until React has hydrated the page: the overview arrives with its data
 * (rendered on the server), so what is visible may not answer clicks and keys yet.
 */
export async function hydrated(page: Page): Promise<void> {
  await expect(page.locator("html[data-hydrated]")).toHaveCount(1);
}

/** Stops the dashboard's redis-server as a crash would: no save, no goodbye to clients. */
export async function stopRedis(redis: Redis): Promise<void> {
  await redis.call("SHUTDOWN", "NOSAVE").catch(() => undefined);
}

/**
 * Starts an empty redis-server again on the same port (the test setup's has no
 * persistence); the dashboard and the worker service reconnect by themselves.
 */
export function startRedis(): void {
  const { redisPort } = e2eEnv();
  const args = [
    "--port",
    String(redisPort),
    "--bind",
    "127.0.0.1",
    "--save",
    "",
    "--appendonly",
    "no",
  ];
  spawn("redis-server", args, { stdio: "ignore", detached: true }).unref();
}

/** A DLQ entry of the shape Redrive's pushToDlq writes (error inline, failed_at ISO). */
export function dlqEntry(
  id: string,
  queue: string,
  message = "bad input",
  extra: object = {},
): string {
  return JSON.stringify({
    id,
    job_id: `job-${id}`,
    filename: `reports/${id}.pdf`,
    retry_count: 3,
    error: {
      type: "ValueError",
      message,
      stack: `Traceback (most recent call last):\n  ValueError: ${message}`,
    },
    failed_at: new Date(Date.now() - 60_000).toISOString(),
    original_queue: queue,
    ...extra,
  });
}

const QUEUES = ["document", "audio", "video", "graph"];

/**
 * An hour of history samples at 10 s, in the worker service's stored format;
 * queue k's DLQ grows by `dlqStep(k)` a sample.
 */
export function historySamples(
  now: number,
  queues: string[] = QUEUES,
  dlqStep: (k: number) => number = (k) => k + 1,
): string[] {
  const out: string[] = [];
  for (let i = 0; i < 60; i++) {
    const t = Math.floor((now - 3000 + i * 50) / 10) * 10;
    const q = Object.fromEntries(
      queues.map((name, k) => [name, [10 + i, 0, 5, i * dlqStep(k), i * 3, i, 0, 0]]),
    );
    out.push(
      JSON.stringify({
        t,
        q,
        ks: [i * 90, i * 10],
        c: [i * 80, i * 20],
        m: [1_000_000 + i * 1000, 0],
      }),
    );
  }
  return out;
}
