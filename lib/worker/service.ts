import "server-only";
import { hostname } from "node:os";
import { randomUUID } from "node:crypto";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { nowSeconds, sleep, type EngineContext } from "../queues/context";
import { workerHeartbeatKey } from "../queues/keys";
import { promoteDue } from "../queues/retry";
import { purgeExpired } from "../queues/purge";
import { recoverAbandoned } from "./processor";
import { logLine } from "../log";
import { VERSION } from "../version";
import { readHeartbeats, type Heartbeat, type RunReport } from "../heartbeat";
import { taskLoop } from "../tasks/redrive";
import { metricsLoop } from "../metrics/history";
import { countRun } from "../metrics/worker-runs";
import { alertLoop } from "../alerts/loop";
import { SafetyWatch } from "../redis/safety";
import { describeRoles } from "../worker-roles";

/**
 * The retry worker service: every RETRY_WORKER_INTERVAL_SECONDS it
 * promotes due retries, returns abandoned messages, purges DLQ entries past the
 * retention and writes a heartbeat; each step only for the queues its role
 * names (REDRIVE_WORKER_ROLES, ../worker-roles.ts). Every step is a set of atomic Lua
 * calls, so any number of instances may run side by side.
 */

/** Heartbeats older than this are pruned from the hash. */
const HEARTBEAT_PRUNE_SECONDS = 86_400;

export class RetryWorkerService {
  readonly instanceId = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly startedAt: number;
  private readonly abort = new AbortController();
  private loop?: Promise<void>;
  private tasks?: Promise<void>;
  private metrics?: Promise<void>;
  private alerts?: Promise<void>;
  private readonly safety: SafetyWatch;
  /** The event loop's delay between heartbeats: a worker stalled by a large entry or a busy host shows here. */
  private readonly loopDelay = monitorEventLoopDelay({ resolution: 20 });

  constructor(
    private readonly ctx: EngineContext,
    private readonly log: typeof logLine = logLine,
  ) {
    this.startedAt = nowSeconds(ctx);
    this.loopDelay.enable();
    this.safety = new SafetyWatch(log, { instance: this.instanceId });
  }

  /** One pass over every queue; a failing queue does not stop the others. */
  async runOnce(): Promise<RunReport> {
    const started = Date.now();
    const report: RunReport = {
      promoted: {},
      recovered: {},
      purged: {},
      errors: [],
      durationMs: 0,
    };
    const signal = this.abort.signal;
    const roles = this.ctx.config.workerRoles.queues;
    for (const queue of this.ctx.config.QUEUES) {
      if (signal.aborted) break;
      try {
        if (roles.promote.includes(queue)) {
          report.promoted[queue] = await promoteDue(this.ctx, queue, signal);
        }
        if (roles.recover.includes(queue)) {
          report.recovered[queue] = await recoverAbandoned(this.ctx, queue);
        }
        if (roles.purge.includes(queue)) report.purged[queue] = await purgeExpired(this.ctx, queue);
      } catch (error) {
        report.errors.push(`${queue}: ${String(error)}`);
      }
    }
    // A Redis that evicts or refuses writes is said at start and on every change.
    await this.safety.check(this.ctx.redis).catch(() => undefined);
    report.durationMs = Date.now() - started;
    await countRun(this.ctx.redis, this.ctx.config, report.durationMs);
    await this.writeHeartbeat(report).catch((e: unknown) =>
      report.errors.push(`heartbeat: ${String(e)}`),
    );
    this.log(report.errors.length > 0 ? "warn" : "info", "retry worker run", {
      instance: this.instanceId,
      ...report,
    });
    return report;
  }

  private async writeHeartbeat(lastRun: RunReport): Promise<void> {
    const now = nowSeconds(this.ctx);
    const beat: Heartbeat = {
      instanceId: this.instanceId,
      version: VERSION,
      pid: process.pid,
      host: hostname(),
      startedAt: this.startedAt,
      lastRunAt: now,
      intervalSeconds: this.ctx.config.RETRY_WORKER_INTERVAL_SECONDS,
      roles: this.roles,
      eventLoopLagSeconds: this.loopDelay.count > 0 ? this.loopDelay.percentile(99) / 1e9 : 0,
      lastRun,
    };
    this.loopDelay.reset();
    await this.ctx.redis.hset(
      workerHeartbeatKey(this.ctx.config),
      this.instanceId,
      JSON.stringify(beat),
    );
    const stale = (await readHeartbeats(this.ctx)).filter(
      (h) => now - h.lastRunAt > HEARTBEAT_PRUNE_SECONDS,
    );
    if (stale.length > 0) {
      await this.ctx.redis.hdel(
        workerHeartbeatKey(this.ctx.config),
        ...stale.map((h) => h.instanceId),
      );
    }
  }

  /** This instance's roles as the heartbeat and the log show them. */
  get roles(): string {
    return describeRoles(this.ctx.config.workerRoles, this.ctx.config.QUEUES);
  }

  /** Runs until stop(); the first run starts at once. Redrive tasks and metrics sampling run beside, when their roles are on. */
  start(): void {
    const { tasks, sample, alerts } = this.ctx.config.workerRoles;
    if (tasks) this.tasks ??= taskLoop(this.ctx, this.instanceId, this.abort.signal);
    if (alerts) {
      const options = { instance: this.instanceId, signal: this.abort.signal, log: this.log };
      this.alerts ??= alertLoop(this.ctx, options);
    }
    if (sample) {
      this.metrics ??= metricsLoop(this.ctx, this.abort.signal, (error) =>
        this.log("warn", "metrics sample failed", {
          instance: this.instanceId,
          error: String(error),
        }),
      );
    }
    this.loop ??= (async () => {
      while (!this.abort.signal.aborted) {
        await this.runOnce();
        await sleep(this.ctx.config.RETRY_WORKER_INTERVAL_SECONDS * 1000, this.abort.signal);
      }
    })();
  }

  /** Lets the run in progress finish (its batches are atomic), then returns. */
  async stop(): Promise<void> {
    this.abort.abort();
    await Promise.all([this.loop, this.tasks, this.metrics, this.alerts]);
    this.loopDelay.disable();
  }
}
