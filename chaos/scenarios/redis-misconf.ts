import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readRedisSafety } from "../../lib/redis/safety";
import { startEmbeddedRedis } from "../../scripts/embedded-redis";
import { takeCensus, type Census } from "../lib/census";
import { observe, QUEUE, sleep, waitForDrain, waitUntil } from "../lib/fixture";
import { startTraffic } from "../lib/traffic";
import { startWorker } from "../lib/worker";

/**
 * Redis refuses writes because persistence failed (MISCONF): a snapshot whose
 * directory vanished, as a full or lost disk would, under steady traffic.
 * Producers and acknowledgements get errors; once the directory is back and
 * a snapshot succeeds, writes resume by themselves and the queue drains.
 */

export interface MisconfResult {
  scenario: string;
  fsync: "rdb";
  census: Census;
  refused: number;
  shown: string;
  recoverSeconds: number;
}

const ENV = { QUEUES: QUEUE, PROCESSING_LEASE_SECONDS: "2", RETRY_WORKER_INTERVAL_SECONDS: "0.1" };

/**
 * A save rule, so that stop-writes-on-bgsave-error (the default) refuses writes
 * after a failed snapshot; protected configs on, so that the scenario can point
 * Redis at the directory again once it is back (its working directory is the
 * removed one, as a remounted disk would need).
 */
function startSnapshottingRedis(dir: string) {
  const args = ["--dir", dir, "--save", "3600 1", "--enable-protected-configs", "yes"];
  return startEmbeddedRedis(process.env.REDIS_SERVER_BIN ?? "redis-server", args);
}

export async function redisMisconf(): Promise<MisconfResult> {
  const dir = mkdtempSync(join(tmpdir(), "redrive-chaos-misconf-"));
  const server = await startSnapshottingRedis(dir);
  const o = observe(server.url, ENV);
  const worker = startWorker({ REDIS_URL: server.url, ...ENV });
  try {
    await worker.waitFor('"retry worker started"');
    const traffic = startTraffic(o, server.url);
    await sleep(1_500);
    rmSync(dir, { recursive: true, force: true });
    await o.redis.bgsave();
    await waitUntil("writes to be refused", async () =>
      traffic.refused.length > 5 ? true : undefined,
    );
    const shown = (await readRedisSafety(o.redis)).warnings.map((w) => w.code).join(",");
    await sleep(1_000);
    mkdirSync(dir);
    await o.redis.config("SET", "dir", dir);
    await o.redis.bgsave();
    const restored = Date.now();
    await waitUntil("writes to be accepted again", async () =>
      (await readRedisSafety(o.redis)).warnings.length === 0 ? true : undefined,
    );
    const recoverSeconds = (Date.now() - restored) / 1000;
    await sleep(1_000);
    await traffic.stopProducing();
    await waitForDrain(o);
    await traffic.stop();
    return {
      scenario: "persistence failing: writes refused (MISCONF)",
      fsync: "rdb",
      census: await takeCensus(o.redis, o.keys, traffic.produced, traffic.delivered),
      refused: traffic.refused.length,
      shown: shown || "nothing",
      recoverSeconds,
    };
  } finally {
    await worker.kill();
    o.redis.disconnect();
    server.process.kill("SIGKILL");
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
