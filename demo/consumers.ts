import type { RedisClient } from "../lib/redis/client";
import type { EngineContext } from "../lib/queues/context";
import { Processor, type Outcome, type TakenMessage } from "../lib/worker/processor";
import { poisonOf, transientFailure } from "./failures";
import { logNormal, sleep } from "./random";
import type { Tally } from "./tally";
import { profileOf, type Traffic } from "./traffic";

/**
 * The consumers: Redrive's own Processor per queue (BLMOVE into the processing
 * list, lease, ack; a failure goes to the retry set while retry_count <
 * MAX_RETRY_ATTEMPTS, then to the DLQ; a PermanentError straight to the DLQ),
 * with handlers that take as long as real ones and fail as real ones do.
 */

/** No simulated attempt takes longer than this, so that Ctrl-C is prompt. */
const MAX_ATTEMPT_MS = 4_000;

export interface ConsumerDeps {
  ctx: EngineContext;
  traffic: Traffic;
  tally: Tally;
  connect: () => RedisClient;
  queues: string[];
  /** Called with every settled message (the demo logs them with --verbose). */
  onOutcome: (queue: string, outcome: Outcome, message: TakenMessage, error?: unknown) => void;
}

/** The handler for `queue`: poison fails every time, the rest transiently now and then. */
export function handlerFor(queue: string, traffic: Traffic) {
  const median = profileOf(queue).medianMs;
  return async (message: TakenMessage): Promise<void> => {
    const poison = poisonOf(queue, message.json);
    if (poison) {
      await sleep(Math.min(MAX_ATTEMPT_MS, logNormal(median * 0.5)));
      throw poison();
    }
    if (Math.random() < traffic.transientChance(queue, message.retryCount)) {
      const t = transientFailure(queue);
      // A timeout waits before failing (scaled down from the real 30 s).
      await sleep(Math.min(MAX_ATTEMPT_MS, t.slow ? median * 3 : logNormal(median * 0.7)));
      throw t.make();
    }
    await sleep(Math.min(MAX_ATTEMPT_MS, logNormal(median)));
  };
}

function count(tally: Tally, queue: string, outcome: Outcome): void {
  const t = tally.queue(queue);
  if (outcome === "done") t.done++;
  else if (outcome === "retry") t.retried++;
  else if (outcome === "dlq") t.deadLettered++;
}

/** Starts a Processor per queue; the returned function finishes the messages in hand and stops. */
export function startConsumers(deps: ConsumerDeps): () => Promise<void> {
  const processors = deps.queues.map((queue) => {
    const p = new Processor(deps.ctx, {
      queue,
      handler: handlerFor(queue, deps.traffic),
      connect: deps.connect,
      concurrency: profileOf(queue).concurrency,
      onOutcome: (outcome, message, error) => {
        count(deps.tally, queue, outcome);
        deps.onOutcome(queue, outcome, message, error);
      },
    });
    p.start();
    return p;
  });
  return async () => {
    await Promise.all(processors.map((p) => p.stop()));
  };
}
