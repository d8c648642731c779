import { writeRefusalOf } from "../../lib/redis/errors";
import { readRedisSafety } from "../../lib/redis/safety";
import { takeCensus, type Census } from "../lib/census";
import { loadDeadLetters, QUEUE, waitForDrain, waitUntil } from "../lib/fixture";
import { withRig } from "../lib/rig";
import { startTraffic } from "../lib/traffic";

/**
 * Redis reaches maxmemory under noeviction while producers write and nobody
 * consumes: writes are refused with OOM, the report says MEMORY_FULL, a
 * requeue from the DLQ is refused whole; once memory is raised, consumers
 * drain everything that was acknowledged, and nothing is lost.
 */

export interface RedisFullResult {
  scenario: string;
  fsync: "always";
  census: Census;
  /** Writes refused with an error while Redis was full (the producers were told). */
  refused: number;
  /** What the dashboard's banner said while full. */
  shown: string;
  /** What a requeue from the DLQ answered while full. */
  requeue: string;
  recoverSeconds: number;
}

const ENV = { QUEUES: QUEUE, RETRY_WORKER_INTERVAL_SECONDS: "0.1" };

export async function redisFull(): Promise<RedisFullResult> {
  const redisArgs = ["--maxmemory", "24mb", "--maxmemory-policy", "noeviction"];
  return withRig({ fsync: "always", env: ENV, redisArgs }, async ({ redis, o, startWorker }) => {
    const worker = startWorker();
    const dead = await loadDeadLetters(o, 100);
    await worker.waitFor('"retry worker started"');
    const filling = startTraffic(o, redis.url, { consumers: 0, padBytes: 2000, batch: 20 });
    await waitUntil("Redis to refuse writes", async () =>
      filling.refused.length > 20 ? true : undefined,
    );
    const safety = await readRedisSafety(o.redis);
    const [first] = await o.engine.getDlqMessages(QUEUE, 0, 1);
    const requeue = await o.engine.requeueFromDlq(QUEUE, 0, first!.identity).then(
      () => "moved (unexpected)",
      (e: unknown) => writeRefusalOf(e) ?? String(e),
    );
    await filling.stop();
    await o.redis.config("SET", "maxmemory", "0");
    const raised = Date.now();
    const draining = startTraffic(o, redis.url, { batch: 0 });
    await waitForDrain(o);
    const recoverSeconds = (Date.now() - raised) / 1000;
    await draining.stop();
    const census = await takeCensus(o.redis, o.keys, filling.produced, draining.delivered);
    // The dead letters stay in the DLQ: counted apart from the traffic.
    census.dlq -= dead.size;
    census.unknown -= dead.size;
    return {
      scenario: "maxmemory reached (noeviction)",
      fsync: "always",
      census,
      refused: filling.refused.length,
      shown: safety.warnings.map((w) => w.code).join(",") || "nothing",
      requeue,
      recoverSeconds,
    };
  });
}
