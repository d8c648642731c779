import { takeCensus, type Census } from "../lib/census";
import { QUEUE, sleep, waitForDrain } from "../lib/fixture";
import { withRig } from "../lib/rig";
import { startTraffic } from "../lib/traffic";
import { firstDelivery } from "./redis-kill-traffic";

/**
 * redis-server stopped with SIGSTOP for 10 s (a host swapping, a stuck disk),
 * then SIGCONT, under steady traffic with the worker service and the
 * dashboard running. Producers and consumers wait; the dashboard answers 503
 * (its banner says Redis is unreachable) and recovers without a restart.
 */

export interface StallResult {
  scenario: string;
  fsync: "always";
  census: Census;
  /** What /api/health answered during and after the stall. */
  shown: string;
  recoverSeconds: number;
}

const ENV = { QUEUES: QUEUE, PROCESSING_LEASE_SECONDS: "2", RETRY_WORKER_INTERVAL_SECONDS: "0.1" };
const STALL_MS = 10_000;

/** "503 from 1.3 s into the stall; 200 again 0.4 s after SIGCONT". */
function describeHealth(answers: [number, number][], stallMs: number): string {
  const firstBad = answers.find(([at, s]) => at > 0 && s !== 200);
  const backOk = answers.find(([at, s]) => at > stallMs && s === 200);
  const bad = firstBad
    ? `${firstBad[1] || "no answer"} from ${(firstBad[0] / 1000).toFixed(1)} s`
    : "200 throughout";
  const ok = backOk
    ? `200 ${((backOk[0] - stallMs) / 1000).toFixed(1)} s after SIGCONT`
    : "never 200 again";
  return `${bad}; ${ok}`;
}

export async function redisStall(): Promise<StallResult> {
  return withRig({ fsync: "always", env: ENV }, async (rig) => {
    const { redis, o } = rig;
    const worker = rig.startWorker();
    const dashboard = await rig.startDashboard();
    await worker.waitFor('"retry worker started"');
    const traffic = startTraffic(o, redis.url);
    await sleep(2_000);
    dashboard.watch();
    redis.pause();
    await sleep(STALL_MS);
    redis.resume();
    const resumed = Date.now();
    await firstDelivery(traffic);
    const recoverSeconds = (Date.now() - resumed) / 1000;
    await sleep(3_000);
    await traffic.stopProducing();
    await waitForDrain(o);
    await traffic.stop();
    return {
      scenario: "redis SIGSTOP 10 s, then SIGCONT",
      fsync: "always",
      census: await takeCensus(o.redis, o.keys, traffic.produced, traffic.delivered),
      shown: describeHealth(dashboard.answers(), STALL_MS),
      recoverSeconds,
    };
  });
}
