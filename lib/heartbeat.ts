import "server-only";
import type { EngineContext } from "./queues/context";
import { workerHeartbeatKey } from "./queues/keys";

/**
 * The record each retry worker instance leaves in Redis after every run. The
 * worker service writes it and the health check reads it: it lives apart from
 * both, so that health (which the metrics overview reads) does not depend on
 * the worker service (which runs the metrics sampling loop).
 */

export interface RunReport {
  promoted: Record<string, number>;
  recovered: Record<string, number>;
  purged: Record<string, number>;
  errors: string[];
  durationMs: number;
}

export interface Heartbeat {
  instanceId: string;
  version: string;
  pid: number;
  host: string;
  startedAt: number;
  lastRunAt: number;
  intervalSeconds: number;
  /** REDRIVE_WORKER_ROLES as lib/worker-roles.ts describes them (absent from older versions). */
  roles?: string;
  /** The p99 event-loop delay of the worker process since its previous heartbeat, seconds (absent from older versions). */
  eventLoopLagSeconds?: number;
  lastRun: RunReport;
}

/** Whether a heartbeat is recent enough to count its worker as running. */
export function isLive(beat: Heartbeat, now: number): boolean {
  return now - beat.lastRunAt <= 3 * beat.intervalSeconds + 5;
}

/** Every worker instance's last heartbeat (bounded: one entry per live instance). */
export async function readHeartbeats(ctx: EngineContext): Promise<Heartbeat[]> {
  const [, flat] = await ctx.redis.hscan(workerHeartbeatKey(ctx.config), "0", "COUNT", 1000);
  const beats: Heartbeat[] = [];
  for (let i = 1; i < flat.length; i += 2) {
    try {
      beats.push(JSON.parse(flat[i]!) as Heartbeat);
    } catch {
      // A foreign value in our hash is skipped, not fatal.
    }
  }
  return beats;
}
