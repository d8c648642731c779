import "server-only";
import { exitOnStartupProblems } from "../auth/startup";
import type { Config } from "../config";
import { logLine } from "../log";
import { readMasterInfos } from "../redis/info";
import { SafetyWatch } from "../redis/safety";
import { clusterStartProblems } from "../cluster-keys";
import { behindFront } from "./front.mjs";
import { getConfig } from "../config";
import { createRedis } from "../redis/connection";

/**
 * The server's start-up check: the auth requirements, and in production the
 * front layer, without which client addresses, body bounds and security
 * headers would be missing.
 */
export function exitOnServerProblems(): void {
  exitOnStartupProblems((config: Config) =>
    config.NODE_ENV === "production" && !behindFront()
      ? [
          "start the dashboard with npm start (scripts/start.mjs): plain next start cannot know client addresses, bound request bodies or set the security headers",
        ]
      : [],
  );
}

/**
 * One log line at start on whether the queue Redis can keep queues (eviction
 * policy, memory, persistence); the pages show the same on every poll. Redis
 * down at start says nothing here: the pages and /api/health say it.
 *
 * Its own short-lived connection, never the routes' services(): the start-up
 * hook is bundled apart from the routes, so objects made here would carry
 * other copies of the modules' classes (an EngineError the routes' error
 * mapping would not recognise).
 */
export function logRedisSafety(): void {
  const config = getConfig();
  if (!config.REDIS_URL && !config.REDIS_SENTINELS && !config.REDIS_CLUSTER_NODES) return;
  const redis = createRedis(config.REDIS_URL, { maxRetriesPerRequest: 1 });
  redis.on("error", () => undefined);
  // One INFO (per master) answers both checks.
  const read = readMasterInfos(redis);
  read.catch(() => undefined);
  void new SafetyWatch(logLine, { process: "dashboard" })
    .check(redis, read)
    .then(async () => exitOnClusterKeyProblems((await read)[0] ?? {}, config))
    .catch(() => undefined)
    .finally(() => redis.disconnect());
}

/** On Redis Cluster, a queue whose keys span slots cannot be moved: stop with the names to use. */
function exitOnClusterKeyProblems(info: Record<string, string>, config: Config) {
  const problems = clusterStartProblems(info, config);
  if (problems.length === 0) return;
  logLine("error", "dashboard cannot run on this redis", { reasons: problems });
  process.exit(1);
}
