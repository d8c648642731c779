import "server-only";
import type { z } from "zod";
import type { WorkerStatusSchema } from "./health-schemas";
import type { EngineContext } from "./queues/context";
import { isLive, readHeartbeats, type Heartbeat } from "./heartbeat";

export type WorkerStatus = z.infer<typeof WorkerStatusSchema>;

export async function workerStatus(ctx: EngineContext): Promise<WorkerStatus> {
  return statusOf(await readHeartbeats(ctx), Date.now() / 1000);
}

/** The status the heartbeats `read` tell at `now` (epoch seconds). */
export function statusOf(read: Heartbeat[], now: number): WorkerStatus {
  // The hash is JSON anyone can write (another version, a hand-made entry): a beat without
  // its times tells nothing, and the status promises a version string or null.
  const beats = read.filter(
    (b) => Number.isFinite(b.lastRunAt) && Number.isFinite(b.intervalSeconds),
  );
  const newest = beats.reduce<(typeof beats)[number] | null>(
    (a, b) => (!a || b.lastRunAt > a.lastRunAt ? b : a),
    null,
  );
  if (!newest) return { instances: 0, lastBeatAgeSeconds: null, version: null, healthy: false };
  const age = Math.max(0, now - newest.lastRunAt);
  const live = beats.filter((b) => isLive(b, now));
  return {
    instances: live.length,
    lastBeatAgeSeconds: age,
    version: typeof newest.version === "string" ? newest.version : null,
    healthy: live.length > 0,
  };
}
