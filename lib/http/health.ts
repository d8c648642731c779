import "server-only";
import { workerStatus } from "../health";
import { readRedisSafety } from "../redis/safety";
import type { RouteResult } from "./route";
import type { HealthResponse } from "./types";
import type { Services } from "./services";

/**
 * What /api/health answers (readiness): 200 with the worker's status and the
 * codes of what makes this Redis unsafe for queues (eviction policy, memory
 * full, failing persistence; messages only behind a login), 503 when Redis
 * does not answer. No version: anyone may ask. Liveness, which never asks
 * Redis, is /api/health/live.
 */
export async function healthReport({
  redis,
  config,
  engine,
}: Services): Promise<RouteResult<HealthResponse>> {
  try {
    await redis.ping();
    const [worker, safety] = await Promise.all([workerStatus(engine.ctx), readRedisSafety(redis)]);
    return {
      body: {
        status: "ok",
        redis: "up",
        redisWarnings: safety.warnings.map((w) => w.code),
        worker: {
          instances: worker.instances,
          lastBeatAgeSeconds: worker.lastBeatAgeSeconds,
          healthy: worker.healthy,
          queues: config.QUEUES.length,
        },
      },
    };
  } catch {
    return { body: { status: "unavailable", redis: "down" }, status: 503 };
  }
}
