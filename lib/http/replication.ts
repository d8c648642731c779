import "server-only";
import { logLine } from "../log";
import { waitReplicas } from "../redis-settings";
import { masters, type RedisClient } from "../redis/client";
import type { Config } from "../config";

/** What this layer needs of a route's context and result (./route.ts has the full types). */
interface Context {
  redis: RedisClient;
  config: Config;
}
interface Result {
  status?: number;
  headers?: Record<string, string>;
  audit?: { detail?: string };
}
type Handler<C, R> = (request: Request, ctx: C) => Promise<R>;

/**
 * With REDIS_WAIT_REPLICAS set (1 by default through Sentinel), an admin's change is reported done only once
 * that many replicas confirmed it (`WAIT`): a failover right after the answer
 * would otherwise promote a replica without it, and the requeue the admin was
 * told about would be undone. WAIT covers every write this connection made so
 * far, the change's included. When the replicas do not confirm in
 * REDIS_WAIT_TIMEOUT_MS, the change stays made (on the master) and the answer
 * says so in the `Redrive-Replication` header, which the dashboard shows
 * instead of a plain success; the audit record says so too.
 */
export const REPLICATION_HEADER = "redrive-replication";

export function withReplicas<C extends Context, R extends Result>(
  handler: Handler<C, R>,
): Handler<C, R> {
  return async (request, ctx) => {
    const result = await handler(request, ctx);
    const wanted = waitReplicas(ctx.config);
    if (wanted === 0 || (result.status ?? 200) >= 300) return result;
    const acked = await waitForReplicas(ctx.redis, wanted, ctx.config.REDIS_WAIT_TIMEOUT_MS);
    if (acked >= wanted) return result;
    return unconfirmed(result, acked, wanted, ctx.config.REDIS_WAIT_TIMEOUT_MS);
  };
}

/**
 * WAIT on the connection that made the change. On a Cluster the change's keys
 * live on one master or several (the DLQ's, the metadata hashes', the
 * counters'), each written over its own connection: WAIT on every master, and
 * the change is confirmed as far as the least-confirmed one. WAIT on a master
 * this process did not write to answers at once.
 */
async function waitForReplicas(redis: RedisClient, wanted: number, timeoutMs: number) {
  const acks = await Promise.all(masters(redis).map((m) => m.wait(wanted, timeoutMs)));
  return Math.min(...acks.map(Number));
}

function unconfirmed<R extends Result>(
  result: R,
  acked: number,
  wanted: number,
  timeoutMs: number,
): R {
  const note = `${acked} of ${wanted} replicas confirmed it within ${timeoutMs} ms`;
  logLine("warn", "change not confirmed by replicas", { acked, wanted, timeoutMs });
  return {
    ...result,
    headers: { ...result.headers, [REPLICATION_HEADER]: `acked=${acked}; wanted=${wanted}` },
    audit: { ...result.audit, detail: [result.audit?.detail, note].filter(Boolean).join("; ") },
  };
}
