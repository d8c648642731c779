import type { QueueEngine } from "../lib/queues/engine";
import { makePayload } from "./payloads";
import { poisson } from "./random";
import type { RecentJobs, Tally } from "./tally";
import type { Traffic } from "./traffic";

/**
 * The producers: every TICK_MS, each queue gets as many new messages as its
 * current rate makes due (Poisson arrivals, so the flow is irregular as real
 * traffic is), each LPUSHed on its own as an application's producer does.
 */
const TICK_MS = 100;

export interface ProducerDeps {
  engine: QueueEngine;
  traffic: Traffic;
  tally: Tally;
  recent: RecentJobs;
  queues: string[];
  onError: (error: unknown) => void;
}

/** Enqueues `count` new messages for `queue`. */
export async function produce(deps: ProducerDeps, queue: string, count: number): Promise<void> {
  const sends: Promise<number>[] = [];
  for (let i = 0; i < count; i++) {
    const payload = makePayload(queue);
    deps.recent.add(payload.job_id);
    sends.push(deps.engine.enqueue(queue, payload));
  }
  await Promise.all(sends);
  deps.tally.queue(queue).produced += count;
}

/** Starts producing; the returned function stops. */
export function startProducers(deps: ProducerDeps): () => void {
  const timer = setInterval(() => {
    const now = Date.now();
    for (const queue of deps.queues) {
      const n = poisson((deps.traffic.rate(queue, now) * TICK_MS) / 1000);
      if (n > 0) produce(deps, queue, n).catch(deps.onError);
    }
  }, TICK_MS);
  return () => clearInterval(timer);
}
