import { createHash } from "node:crypto";
import Redis from "ioredis";
import { takeCensus, type Census } from "../lib/census";
import { QUEUE, sleep, waitForDrain } from "../lib/fixture";
import { withRig } from "../lib/rig";
import { startTraffic } from "../lib/traffic";
import type { WorkerProcess } from "../lib/worker";

/**
 * A consumer that dies while it holds a message, again and again: each one
 * takes a message into the processing list (BLMOVE, as the processor harness
 * does) and its connection is dropped at a random moment: before it touched
 * the lease, after, or a few milliseconds into its work. Live consumers run
 * beside. The worker service must return every abandoned message exactly
 * once, and every message must be delivered (its handler run to the end) once.
 */

export interface ConsumerDeathsResult {
  scenario: string;
  fsync: "always";
  census: Census;
  deaths: number;
  /** Messages the worker service returned from the processing list. */
  recovered: number;
  recoverSeconds: number;
}

const ENV = { QUEUES: QUEUE, PROCESSING_LEASE_SECONDS: "1", RETRY_WORKER_INTERVAL_SECONDS: "0.2" };

/** One consumer that takes a message and dies at a random moment; true if it held one. */
async function dieHolding(url: string, work: string, processing: string, leases: string) {
  const consumer = new Redis(url, { maxRetriesPerRequest: 1 });
  consumer.on("error", () => undefined);
  try {
    const raw = await consumer.blmoveBuffer(work, processing, "RIGHT", "LEFT", 1);
    if (!raw) return false;
    const moment = Math.random();
    if (moment > 1 / 3) {
      const sha = createHash("sha1").update(raw).digest("hex");
      await consumer.hset(leases, sha, Date.now() / 1000);
    }
    if (moment > 2 / 3) await sleep(Math.random() * 5);
    return true;
  } finally {
    consumer.disconnect();
  }
}

function recoveredBy(worker: WorkerProcess): number {
  return worker
    .output()
    .split("\n")
    .filter((l) => l.includes('"msg":"retry worker run"'))
    .reduce(
      (n, l) =>
        n + Number((JSON.parse(l) as { recovered: Record<string, number> }).recovered[QUEUE] ?? 0),
      0,
    );
}

export async function consumerDeaths(deaths = 1000): Promise<ConsumerDeathsResult> {
  return withRig({ fsync: "always", env: ENV }, async ({ redis, o, startWorker }) => {
    const worker = startWorker();
    const ids = Array.from({ length: deaths * 2 }, (_, i) => `c-${i}`);
    for (let i = 0; i < ids.length; i += 500) {
      await o.redis.lpush(
        o.keys.work,
        ...ids.slice(i, i + 500).map((id) => JSON.stringify({ job_id: id })),
      );
    }
    await worker.waitFor('"retry worker started"');
    const live = startTraffic(o, redis.url, { batch: 0, consumers: 1 });
    let died = 0;
    while (died < deaths) {
      const held = await Promise.all(
        Array.from({ length: 10 }, () =>
          dieHolding(redis.url, o.keys.work, o.keys.processing, o.keys.leases),
        ),
      );
      died += held.filter(Boolean).length;
    }
    const lastDeath = Date.now();
    await waitForDrain(o);
    const recoverSeconds = (Date.now() - lastDeath) / 1000;
    await live.stop();
    return {
      scenario: `consumer killed holding a message, ${deaths} times`,
      fsync: "always",
      census: await takeCensus(o.redis, o.keys, new Set(ids), live.delivered),
      deaths: died,
      recovered: recoveredBy(worker),
      recoverSeconds,
    };
  });
}
