import "server-only";
import type { z } from "zod";
import type { WorkerStatusSchema } from "./health-schemas";
import type { EngineContext } from "./queues/context";
import { readHeartbeats } from "./heartbeat";

export type WorkerStatus = z.infer<typeof WorkerStatusSchema>;

export async function workerStatus(ctx: EngineContext): Promise<WorkerStatus> {
  const beats = await readHeartbeats(ctx);
  const now = Date.now() / 1000;
  const newest = beats.reduce<(typeof beats)[number] | null>(
    (a, b) => (!a || b.lastRunAt > a.lastRunAt ? b : a),
    null,
  );
  if (!newest) return { instances: 0, lastBeatAgeSeconds: null, version: null, healthy: false };
  const age = Math.max(0, now - newest.lastRunAt);
  const live = beats.filter((b) => now - b.lastRunAt <= 3 * b.intervalSeconds + 5);
  return {
    instances: live.length,
    lastBeatAgeSeconds: age,
    version: newest.version,
    healthy: live.length > 0,
  };
}
