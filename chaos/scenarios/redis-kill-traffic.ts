import { takeCensus, type Census } from "../lib/census";
import { QUEUE, sleep, waitForDrain, waitUntil } from "../lib/fixture";
import type { Fsync } from "../lib/redis";
import { withRig } from "../lib/rig";
import { startTraffic, type Traffic } from "../lib/traffic";

/**
 * redis-server SIGKILLed and started again under steady traffic: producers
 * writing due retries, the worker service promoting them, consumers taking
 * and acknowledging them. Afterwards the queue drains, and every id the
 * producers saw acknowledged is counted: delivered, still somewhere, or lost.
 */

export interface TrafficKillResult {
  scenario: string;
  fsync: Fsync;
  census: Census;
  /** Acknowledged writes in the second before the kill: the bound on everysec's loss. */
  writesLastSecond: number;
  recoverSeconds: number;
}

/** Settings the worker and the consumers share: a lease short enough to see recovery happen. */
const ENV = { QUEUES: QUEUE, PROCESSING_LEASE_SECONDS: "2", RETRY_WORKER_INTERVAL_SECONDS: "0.1" };

export async function redisKillDuringTraffic(
  fsync: Fsync,
  runMs = 3000,
): Promise<TrafficKillResult> {
  return withRig({ fsync, env: ENV }, async ({ redis, o, startWorker }) => {
    const worker = startWorker();
    await worker.waitFor('"retry worker started"');
    const traffic = startTraffic(o, redis.url);
    const started = Date.now();
    await sleep(runMs);
    const writesLastSecond = traffic.writesAt(Date.now() - started);
    await redis.kill();
    await sleep(500);
    await redis.restart();
    const restarted = Date.now();
    await firstDelivery(traffic);
    const recoverSeconds = (Date.now() - restarted) / 1000;
    await sleep(runMs);
    await traffic.stopProducing();
    await waitForDrain(o);
    await traffic.stop();
    const census = await takeCensus(o.redis, o.keys, traffic.produced, traffic.delivered);
    return {
      scenario: "redis SIGKILL while retries are promoted and consumed",
      fsync,
      census,
      writesLastSecond,
      recoverSeconds,
    };
  });
}

function deliveries(traffic: Traffic): number {
  return [...traffic.delivered.values()].reduce((a, b) => a + b, 0);
}

/** Resolves at the first handler run after now: consumers are taking messages again. */
export async function firstDelivery(traffic: Traffic): Promise<void> {
  const before = deliveries(traffic);
  await waitUntil("a delivery", async () => (deliveries(traffic) > before ? true : undefined));
}
