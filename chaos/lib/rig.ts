import { startDashboard, type Dashboard } from "./dashboard";
import { observe, QUEUE, type Observer } from "./fixture";
import { startDurableRedis, type DurableRedis, type Fsync } from "./redis";
import { startWorker, type WorkerProcess } from "./worker";

/**
 * What every scenario stands on: a durable redis-server, an observer client on
 * it, and the worker services and dashboards started through the rig, all torn
 * down in one place (dashboards, workers, the client, then Redis), however the
 * scenario ends.
 */
export interface Rig {
  redis: DurableRedis;
  o: Observer;
  /** A worker service on this Redis with the rig's settings, and `more`; killed at the end. */
  startWorker(more?: Record<string, string>): WorkerProcess;
  /** The dashboard (npm start) on this Redis; stopped at the end. */
  startDashboard(): Promise<Dashboard>;
}

export interface RigOptions {
  fsync: Fsync;
  /** Settings the observer and every worker share (QUEUES, leases, intervals). */
  env: Record<string, string>;
  /** More redis-server arguments (maxmemory, say). */
  redisArgs?: string[];
}

export async function withRig<T>(
  options: RigOptions,
  scenario: (rig: Rig) => Promise<T>,
): Promise<T> {
  const redis = await startDurableRedis(options.fsync, options.redisArgs);
  const o = observe(redis.url, options.env);
  const workers: WorkerProcess[] = [];
  const dashboards: Dashboard[] = [];
  const start = (more: Record<string, string> = {}) => {
    const worker = startWorker({ REDIS_URL: redis.url, ...options.env, ...more });
    workers.push(worker);
    return worker;
  };
  const dashboard = async () => {
    const started = await startDashboard(redis.url, QUEUE);
    dashboards.push(started);
    return started;
  };
  try {
    return await scenario({ redis, o, startWorker: start, startDashboard: dashboard });
  } finally {
    await Promise.all(dashboards.map((d) => d.stop()));
    await Promise.all(workers.map((w) => w.kill()));
    o.redis.disconnect();
    await redis.stop();
  }
}
