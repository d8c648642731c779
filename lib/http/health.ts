import "server-only";
import { workerStatus } from "../health";
import type { RouteResult } from "./route";
import type { HealthResponse } from "./types";
import type { Services } from "./services";

/** What /api/health answers: 200 with the worker's status, 503 when Redis does not answer. */
export async function healthReport({
  redis,
  config,
  engine,
}: Services): Promise<RouteResult<HealthResponse>> {
  try {
    await redis.ping();
    const worker = await workerStatus(engine.ctx);
    return {
      body: { status: "ok", redis: "up", worker: { ...worker, queues: config.QUEUES.length } },
    };
  } catch {
    return { body: { status: "unavailable", redis: "down" }, status: 503 };
  }
}
