import type Redis from "ioredis";
import { loadDlq } from "../../bench/lib/data";
import { retentionSeconds } from "../../lib/queues/producer";
import { parseInfo } from "../../lib/redis/info";
import { readRedisSafety } from "../../lib/redis/safety";
import { takeCensus, type Census } from "../lib/census";
import { QUEUE, sleep, waitUntil } from "../lib/fixture";
import { withRig } from "../lib/rig";
import { startTraffic } from "../lib/traffic";

/**
 * A Redis whose maxmemory-policy may evict, filled by producers past its
 * maxmemory: what Redrive's data loses. Only noeviction is safe for the queue
 * Redis (README, Durability); this shows what the warning (banner, health
 * field, log line) is about, with counts instead of a claim:
 *
 * - `allkeys-*` may evict any key, and a queue, a retry set or a DLQ is one
 *   key: a whole queue of messages goes at once;
 * - `volatile-*` evicts keys with a TTL first: the DLQ's metadata hashes (they
 *   carry the retention), so dead letters lose the error details only the
 *   hash holds, while the lists themselves are kept until no key with a TTL is left.
 */

export type EvictingPolicy = "allkeys-lru" | "volatile-lru";

export interface RedisEvictsResult {
  scenario: string;
  fsync: "always";
  policy: EvictingPolicy;
  /** The retries the producers wrote, counted in every key afterwards. */
  census: Census;
  /** Redis's evicted_keys while it was full. */
  evictedKeys: number;
  /** Dead letters and their metadata hashes before and after. */
  deadLetters: { before: number; after: number };
  metadataHashes: { before: number; after: number };
  /** What the dashboard's banner and /api/health said. */
  shown: string;
  recoverSeconds: number;
}

const DEAD_LETTERS = 2000;
const ENV = { QUEUES: QUEUE, RETRY_WORKER_INTERVAL_SECONDS: "0.1" };

async function countHashes(redis: Redis): Promise<number> {
  let cursor = "0";
  let n = 0;
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", "dlq:metadata:*", "COUNT", 1000);
    n += keys.length;
    cursor = next;
  } while (cursor !== "0");
  return n;
}

async function evictedKeys(redis: Redis): Promise<number> {
  return Number(parseInfo(await redis.info("stats")).evicted_keys ?? 0);
}

export async function redisEvicts(policy: EvictingPolicy): Promise<RedisEvictsResult> {
  const redisArgs = ["--maxmemory", "24mb", "--maxmemory-policy", policy];
  return withRig({ fsync: "always", env: ENV, redisArgs }, async ({ redis, o, startWorker }) => {
    // Dead letters as the Python backend writes them, each with its hash (EXPIRE = retention).
    await loadDlq(
      o.redis,
      QUEUE,
      o.keys.dlq,
      DEAD_LETTERS,
      retentionSeconds(o.engine.ctx.config),
      "python",
    );
    const hashesBefore = await countHashes(o.redis);
    const worker = startWorker();
    await worker.waitFor('"retry worker started"');
    // Producers only: due retries pile up in the work list until Redis must evict.
    const filling = startTraffic(o, redis.url, { consumers: 0, padBytes: 2000, batch: 20 });
    await waitUntil("Redis to evict", async () =>
      (await evictedKeys(o.redis)) > 0 ? true : undefined,
    );
    // Some more seconds full, as a producer in production would keep writing.
    await sleep(3000);
    const safety = await readRedisSafety(o.redis);
    await filling.stop();
    const evicted = await evictedKeys(o.redis);
    await o.redis.config("SET", "maxmemory", "0");
    const raised = Date.now();
    const draining = startTraffic(o, redis.url, { batch: 0 });
    // What is left drains; what was evicted never comes.
    await waitUntil("the work list to drain", async () =>
      (await o.redis.llen(o.keys.work)) === 0 && (await o.redis.zcard(o.keys.retry)) === 0
        ? true
        : undefined,
    );
    const recoverSeconds = (Date.now() - raised) / 1000;
    await draining.stop();
    const census = await takeCensus(o.redis, o.keys, filling.produced, draining.delivered);
    const dlqAfter = await o.redis.llen(o.keys.dlq);
    census.dlq -= dlqAfter;
    census.unknown -= dlqAfter;
    return {
      scenario: `maxmemory reached, ${policy}`,
      fsync: "always",
      policy,
      census,
      evictedKeys: evicted,
      deadLetters: { before: DEAD_LETTERS, after: dlqAfter },
      metadataHashes: { before: hashesBefore, after: await countHashes(o.redis) },
      shown: safety.warnings.map((w) => w.code).join(",") || "nothing",
      recoverSeconds,
    };
  });
}
