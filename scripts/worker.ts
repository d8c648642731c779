/**
 * The retry worker service (`npm run worker`): the Python backend's retry_worker_service.
 * Needs REDIS_URL. SIGTERM or SIGINT lets the run in progress finish, then exits 0.
 */
import { ConfigError, getConfig, type Config } from "../lib/config";
import { createRedis } from "../lib/redis/connection";
import type { RedisClient } from "../lib/redis/client";
import { readInfo } from "../lib/redis/info";
import { versionWarning } from "../lib/redis/safety";
import { clusterStartProblems } from "../lib/cluster-keys";
import { recordMasterChanges } from "../lib/redis/topology";
import { cacheRedisUrl } from "../lib/redis-settings";
import { logLine } from "../lib/log";
import { VERSION } from "../lib/version";
import { RetryWorkerService } from "../lib/worker/service";
import { keepAliveFile } from "../lib/worker/alive-file";
import { keepMigrated, migrate } from "../lib/schema/runner";

/** How often REDRIVE_WORKER_ALIVE_FILE is rewritten. */
const ALIVE_EVERY_SECONDS = 5;

async function main(): Promise<void> {
  if (process.argv.includes("--version")) {
    process.stdout.write(`${VERSION}\n`);
    return;
  }
  const config = getConfig();
  const redis = createRedis(config.REDIS_URL, { maxRetriesPerRequest: null });
  recordMasterChanges(redis, config);
  const cacheUrl = cacheRedisUrl(config);
  // The metrics sample reads the cache's counters where the cache lives.
  const cacheRedis = cacheUrl === config.REDIS_URL ? redis : createRedis(cacheUrl);
  const service = new RetryWorkerService({ redis, cacheRedis, config });
  logLine("info", "retry worker started", {
    instance: service.instanceId,
    queues: config.QUEUES,
    roles: service.roles,
    intervalSeconds: config.RETRY_WORKER_INTERVAL_SECONDS,
  });
  const stopping = new AbortController();
  if (config.REDRIVE_WORKER_ALIVE_FILE) {
    keepAliveFile(config.REDRIVE_WORKER_ALIVE_FILE, ALIVE_EVERY_SECONDS, stopping.signal, (e) =>
      logLine("warn", "worker alive file not written", { error: String(e) }),
    );
  }
  const shutdown = (signal: string) => {
    stopping.abort();
    logLine("info", "retry worker stopping", { instance: service.instanceId, signal });
    void service.stop().then(() => {
      redis.disconnect();
      cacheRedis.disconnect();
      logLine("info", "retry worker stopped", { instance: service.instanceId });
      process.exit(0);
    });
  };
  process.once("SIGTERM", () => shutdown("SIGTERM"));
  process.once("SIGINT", () => shutdown("SIGINT"));
  // The stored state reaches this release's schema before any loop writes it.
  const owner = service.instanceId;
  await migrate({ redis, config }, { owner, log: logLine, signal: stopping.signal }).catch(
    (error: unknown) => {
      if (!stopping.signal.aborted) throw error;
    },
  );
  if (stopping.signal.aborted) return;
  service.start();
  void keepMigrated({ redis, config }, { owner, log: logLine, signal: stopping.signal });
  exitIfRedisUnfit(redis, config).catch(() => undefined);
}

/**
 * A Redis without LMOVE, or a Cluster where a queue's keys span slots, would
 * fail every move: say why once and stop, rather than log failures forever.
 */
async function exitIfRedisUnfit(redis: RedisClient, config: Config) {
  const info = await readInfo(redis);
  const version = info.redis_version ?? "";
  const problems = [versionWarning(version)?.message, ...clusterStartProblems(info, config)];
  const reasons = problems.filter((p): p is string => Boolean(p));
  if (reasons.length === 0) return;
  logLine("error", "retry worker cannot run on this redis", { version, reasons });
  process.exit(1);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    // A failed migration lands here too: the worker stops rather than run on
    // state it has half converted; restarted, it resumes from the saved progress.
    logLine("error", "retry worker crashed", { error: String(error) });
  }
  process.exit(1);
});
