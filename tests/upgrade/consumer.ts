/**
 * The application's consumer for the upgrade test (scripts/upgrade-test.mjs),
 * on Redrive's own Processor of whichever checkout it is copied into: the
 * harness runs it with tsx inside the old release's checkout and inside the
 * new one's, so the DLQ entries, retries and cache keys it writes are in that
 * version's formats. It only imports what both versions export under the same
 * names (getConfig, createRedis, Processor, PermanentError, RedisCache).
 *
 * Every take is recorded in the harness's own Redis database (UPGRADE_RECORD_URL,
 * another db number than the queues', so that a state capture never sees it):
 * RPUSH takes:<job_id> <the bytes taken>, and HINCRBY done <job_id> 1 when a
 * message is acknowledged. The harness counts lost and duplicated messages
 * and checks requeued bytes from these.
 *
 * Each message says how it should fail in its `behaviour` field, counted in
 * takes of that job: "transient" fails its first take, "poison" every take
 * until it is dead-lettered (1 + MAX_RETRY_ATTEMPTS), "permanent" its first take
 * with a PermanentError; all succeed once an admin requeues them (the fix is
 * deployed), so requeued messages finish.
 */
import Redis from "ioredis";
import { getConfig } from "../../lib/config";
import { createRedis } from "../../lib/redis/connection";
import { PermanentError, Processor, type TakenMessage } from "../../lib/worker/processor";
import { RedisCache } from "../../lib/cache/cache";

const config = getConfig();
const queues = (process.env.UPGRADE_CONSUME ?? "").split(",").filter(Boolean);
const version = process.env.UPGRADE_VERSION ?? "unknown";
const record = new Redis(process.env.UPGRADE_RECORD_URL ?? "", { maxRetriesPerRequest: null });
const cache = RedisCache.connect(config.REDIS_URL ?? "", config);
const pending = new Set<Promise<unknown>>();
const tally: Record<string, number> = {};

function track(p: Promise<unknown>): void {
  pending.add(p);
  void p.finally(() => pending.delete(p));
}

function jobOf(message: TakenMessage): string {
  const job = message.json?.job_id;
  if (typeof job !== "string") throw new PermanentError("no job_id: not the harness's message");
  return job;
}

async function handle(message: TakenMessage): Promise<void> {
  const job = jobOf(message);
  const take = await record.rpush(`takes:${job}`, message.raw);
  // Some reads through the application's cache, so that its keys and counters exist too.
  await cache.getOrSet(`job:status:${job}`, async () => ({ job, take }));
  await cache.get(`user:${job.length % 7}`);
  const behaviour = message.json?.behaviour;
  if (behaviour === "transient" && take === 1) {
    throw new Error(`upstream timed out after 30000 ms (job ${job})`);
  }
  if (behaviour === "poison" && take <= 1 + config.MAX_RETRY_ATTEMPTS) {
    throw new Error(`unsupported codec 'x-${job.slice(-2)}' in ${String(message.json?.filename)}`);
  }
  if (behaviour === "permanent" && take === 1) throw new PermanentError(`bad input: ${job}`);
}

function onOutcome(outcome: string, message: TakenMessage): void {
  tally[outcome] = (tally[outcome] ?? 0) + 1;
  const job = message.json?.job_id;
  if (typeof job !== "string") return;
  if (outcome === "done") track(record.hincrby("done", job, 1));
  if (outcome === "dlq") track(record.hset("dlqBy", job, version));
}

const processors = queues.map(
  (queue) =>
    new Processor(
      { redis: createRedis(config.REDIS_URL), config },
      {
        queue,
        handler: handle,
        connect: () => createRedis(config.REDIS_URL, { maxRetriesPerRequest: null }),
        concurrency: 2,
        blockSeconds: 1,
        onOutcome,
      },
    ),
);

async function stop(): Promise<void> {
  await Promise.all(processors.map((p) => p.stop()));
  await Promise.all([...pending]);
  await cache.close();
  record.disconnect();
  process.stdout.write(`${JSON.stringify({ msg: "consumer stopped", version, tally })}\n`);
  process.exit(0);
}

process.once("SIGTERM", () => void stop());
process.once("SIGINT", () => void stop());
for (const p of processors) p.start();
process.stdout.write(`${JSON.stringify({ msg: "consumer started", version, queues })}\n`);
