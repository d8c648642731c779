import { RedisCache } from "../lib/cache/cache";
import type { Config } from "../lib/config";
import { QueueEngine } from "../lib/queues/engine";
import { createRedis } from "../lib/redis/connection";
import type { Outcome, TakenMessage } from "../lib/worker/processor";
import {
  jobChanged,
  searchIndexRebuilt,
  startCacheApp,
  userChanged,
  type CacheAppDeps,
} from "./cache-app";
import { startConsumers } from "./consumers";
import { writeForeignEntries } from "./foreign";
import { produce, startProducers, type ProducerDeps } from "./producers";
import { randomInt } from "./random";
import { Reporter } from "./report";
import { RecentJobs, Tally } from "./tally";
import { Traffic, type TrafficEvent } from "./traffic";

/**
 * The demo's traffic simulator: producers for every queue, consumers through
 * Redrive's Processor, a few foreign DLQ entries, and an application reading
 * through the cache. Everything runs in this process on its own connections;
 * stop() finishes the messages in hand and closes them.
 */
export interface SimulatorOptions {
  url: string;
  config: Config;
  log: (tag: string, text: string) => void;
  /** Log every message's fate, not only the 10-second reports and events. */
  verbose?: boolean;
}

export interface Simulator {
  /** Lines describing the last interval (queues, outcomes, cache), for the 10-second report. */
  report(): Promise<string[]>;
  stop(): Promise<void>;
}

/** Mean seconds between profile edits (user cache invalidations), and between search index rebuilds. */
const USER_EDIT_SECONDS = 2;
const REINDEX_SECONDS = [120, 240] as const;

function describeEvent(e: TrafficEvent): string {
  switch (e.kind) {
    case "burst":
      return `${e.queue}: burst, ${e.factor}× the usual rate for ${e.seconds} s`;
    case "incident":
      return `${e.queue}: incident, ${e.what} for ${e.seconds} s (most attempts fail and retry)`;
    case "recovered":
      return `${e.queue}: recovered (${e.what})`;
    case "upload":
      return `${e.queue}: folder upload, ${e.count} messages at once`;
  }
}

export function describeOutcome(outcome: Outcome, m: TakenMessage, error: unknown): string {
  const name = `${String(m.json?.filename ?? m.identity)} (attempt ${m.retryCount + 1})`;
  const why = error instanceof Error ? `${error.name}: ${error.message}` : "";
  if (outcome === "done") return `${name} processed`;
  if (outcome === "retry") return `${name} ${why} -> retry set`;
  if (outcome === "dlq") return `${name} ${why} -> DLQ`;
  return `${name} was returned to its queue by the worker service`;
}

/**
 * Once a second: the traffic's events (uploads become messages), now and then
 * a user edit, and every few minutes a search index rebuild, each with the
 * cache invalidation the Python backend does for it.
 */
function startEvents(
  producerDeps: ProducerDeps,
  appDeps: CacheAppDeps,
  log: SimulatorOptions["log"],
): NodeJS.Timeout {
  const { traffic, onError } = producerDeps;
  let nextReindex = Date.now() + randomInt(...REINDEX_SECONDS) * 1000;
  return setInterval(() => {
    for (const e of traffic.tick()) {
      log("traffic", describeEvent(e));
      if (e.kind === "upload") produce(producerDeps, e.queue, e.count).catch(onError);
    }
    if (Math.random() < 1 / USER_EDIT_SECONDS) userChanged(appDeps).catch(onError);
    if (Date.now() >= nextReindex) {
      nextReindex = Date.now() + randomInt(...REINDEX_SECONDS) * 1000;
      searchIndexRebuilt(appDeps)
        .then((n) => log("cache", `search index rebuilt: ${n} vector:search:* keys invalidated`))
        .catch(onError);
    }
  }, 1000);
}

export async function startSimulator(options: SimulatorOptions): Promise<Simulator> {
  const { url, config, log } = options;
  const redis = createRedis(url, {}, config);
  const engine = new QueueEngine(redis, config);
  // The cache's own Redis when CACHE_REDIS_URL names one, as in production.
  const cache = RedisCache.connect(config.CACHE_REDIS_URL ?? url, config);
  await cache.ready();
  const queues = config.QUEUES;
  const traffic = new Traffic(queues);
  const tally = new Tally();
  const recent = new RecentJobs();
  const onError = (error: unknown) => log("simulator", `error: ${String(error)}`);

  for (const line of await writeForeignEntries(engine.ctx)) log("foreign", line);

  const producerDeps: ProducerDeps = { engine, traffic, tally, recent, queues, onError };
  const appDeps: CacheAppDeps = {
    cache,
    recent,
    tally,
    load: () => traffic.wave(queues[0]!),
    onError,
  };
  const stopProducers = startProducers(producerDeps);
  const stopConsumers = startConsumers({
    ctx: engine.ctx,
    traffic,
    tally,
    queues,
    connect: () => createRedis(url, {}, config),
    onOutcome: (queue, outcome, message, error) => {
      const jobId = message.json?.job_id;
      if (outcome === "done" && typeof jobId === "string")
        jobChanged(appDeps, jobId).catch(onError);
      if (options.verbose) log(queue, describeOutcome(outcome, message, error));
    },
  });
  const stopApp = startCacheApp(appDeps);

  const events = startEvents(producerDeps, appDeps, log);

  const reporter = new Reporter(engine, tally);
  return {
    report: () => reporter.lines(),
    async stop() {
      clearInterval(events);
      stopProducers();
      stopApp();
      await stopConsumers();
      await cache.close();
      redis.disconnect();
    },
  };
}
