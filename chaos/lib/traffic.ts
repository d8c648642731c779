import Redis from "ioredis";
import { Processor } from "../../lib/worker/processor";
import { defineScripts } from "../../lib/redis/scripts";
import type { Observer } from "./fixture";
import { jobIdOf } from "./census";
import { sleep } from "./fixture";

/**
 * Steady traffic on one queue: producers writing due retries the way the
 * Python backend does (ZADD with the due time as score), and consumers from
 * the repository's own processor harness taking them from the work list.
 * Producers record an id only once Redis acknowledged its write; consumers
 * count every handler run per id. Both wait out an outage (their clients
 * queue commands until Redis is back) instead of failing.
 */

export interface Traffic {
  /** Ids whose write Redis acknowledged. */
  produced: Set<string>;
  /** Handler runs per id. */
  delivered: Map<string, number>;
  /** Acknowledged writes per 100 ms slot since start: how many writes a second held. */
  writesAt(ms: number): number;
  /** Writes refused with an error (OOM, MISCONF): said clearly, recorded nowhere. */
  refused: string[];
  stopProducing(): Promise<void>;
  stop(): Promise<void>;
}

export interface TrafficOptions {
  /** Retries written per producer tick (every 5 ms); 0 runs consumers alone. */
  batch?: number;
  /** Consumer slots; 0 runs producers alone. */
  consumers?: number;
  /** Bytes of padding in each message (to fill memory sooner). */
  padBytes?: number;
  /** Called with each delivered id, as its handler runs. */
  onDelivery?: (id: string) => void;
}

function connect(url: string): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: null, retryStrategy: () => 100 });
  redis.on("error", () => undefined);
  defineScripts(redis);
  return redis;
}

interface Producer {
  produced: Set<string>;
  refused: string[];
  /** When each acknowledged write came, ms since start. */
  acked: number[];
  stop(): Promise<void>;
}

/** Writes `batch` due retries every 5 ms until stopped; an id counts once Redis acknowledged it. */
function startProducer(o: Observer, url: string, batch: number, padBytes: number): Producer {
  const pad = "x".repeat(padBytes);
  const redis = connect(url);
  const produced = new Set<string>();
  const refused: string[] = [];
  const acked: number[] = [];
  const started = Date.now();
  let running = true;
  let n = 0;
  const loop = (async () => {
    while (running && batch > 0) {
      const ids = Array.from({ length: batch }, () => `t-${n++}`);
      const args = ids.flatMap((id) => [
        Date.now() / 1000 - 1,
        JSON.stringify({ job_id: id, retry_count: 1, pad }),
      ]);
      try {
        await redis.zadd(o.keys.retry, ...args);
        for (const id of ids) produced.add(id);
        acked.push(Date.now() - started);
      } catch (error) {
        refused.push(String(error).slice(0, 200));
      }
      await sleep(5);
    }
  })();
  return {
    produced,
    refused,
    acked,
    async stop() {
      running = false;
      await loop;
      redis.disconnect();
    },
  };
}

export function startTraffic(o: Observer, url: string, options: TrafficOptions = {}): Traffic {
  const batch = options.batch ?? 5;
  const producer = startProducer(o, url, batch, options.padBytes ?? 0);
  const delivered = new Map<string, number>();
  const settler = connect(url);
  const processor = new Processor(
    { redis: settler, config: o.config },
    {
      queue: o.keys.queue,
      connect: () => connect(url),
      concurrency: options.consumers ?? 4,
      blockSeconds: 0.2,
      handler: async (m) => {
        const id = jobIdOf(m.raw);
        if (id === null) return;
        delivered.set(id, (delivered.get(id) ?? 0) + 1);
        options.onDelivery?.(id);
      },
    },
  );
  if ((options.consumers ?? 4) > 0) processor.start();
  return {
    produced: producer.produced,
    delivered,
    refused: producer.refused,
    writesAt: (ms) => producer.acked.filter((t) => t > ms - 1000 && t <= ms).length * batch,
    stopProducing: () => producer.stop(),
    async stop() {
      await producer.stop();
      await processor.stop();
      settler.disconnect();
    },
  };
}
