import { randomUUID } from "node:crypto";
import type { z } from "zod";
import { runScript } from "../redis/scripts";
import { keysOf, nowSeconds, sleep, type EngineContext } from "../queues/context";
import { checkLuaReply, LuaCode } from "../queues/errors";
import type { MoveMode } from "../queues/dlq-move";
import { drainDlq } from "../queues/drain";
import { TaskStateSchema, type RedriveTaskSchema } from "./schemas";
import { ownKey } from "../own-keys";
import type { Config } from "../config";
import { queueKeys } from "../queues/keys";
import { hashTagOf } from "../redis/slots";
import { isCluster } from "../redis/client";
import { readSchema } from "../schema/version";
import { readHeartbeats } from "../heartbeat";

/**
 * Redrive tasks: "requeue all" and "delete all" as long-running tasks, the way
 * SQS runs message move tasks. An admin creates one (one active task per
 * queue); a worker service claims it with a lease, moves the DLQ's oldest
 * entries at the task's rate, records progress after every batch, stops when
 * the task is cancelled, and if it dies another instance (or itself after a
 * restart) resumes from the recorded progress once the lease runs out.
 */
export type TaskState = z.infer<typeof TaskStateSchema>;

export type RedriveTask = z.infer<typeof RedriveTaskSchema>;

export const TASK_LEASE_SECONDS = 30;

/**
 * The queue's task hash. createTask touches it with the DLQ in one script, so
 * it carries the DLQ key's hash tag when that has one (`redrive:task:{document}`
 * beside `{document}_dlq`): on Redis Cluster both are then in one slot.
 */
export function taskKey(config: Config, queue: string): string {
  const tag = hashTagOf(queueKeys(config, queue).dlq);
  return ownKey(config, `task:${tag === null ? queue : `{${tag}}`}`);
}

/**
 * Where 0.1.0 kept the task hash of a queue whose DLQ key has a hash tag
 * (`<prefix>:task:<q>`, untagged); null when it is taskKey's name. During an
 * upgrade a 0.1.0 dashboard may still create tasks there: this release shows
 * them when the queue has none of its own, and its workers run them.
 */
export function legacyTaskKey(config: Config, queue: string): string | null {
  const legacy = ownKey(config, `task:${queue}`);
  return legacy === taskKey(config, queue) ? null : legacy;
}

/** The hashes a queue's task may be in: taskKey's, then 0.1.0's when it differs. */
export function taskKeys(config: Config, queue: string): string[] {
  const legacy = legacyTaskKey(config, queue);
  return [taskKey(config, queue), ...(legacy ? [legacy] : [])];
}

export async function createTask(
  ctx: EngineContext,
  queue: string,
  kind: MoveMode,
  rate: number,
  createdBy: string,
): Promise<RedriveTask> {
  const { dlq } = keysOf(ctx, queue);
  const args = [
    randomUUID(),
    kind,
    Math.max(0, Math.floor(rate)),
    createdBy,
    Math.floor(nowSeconds(ctx)),
  ];
  const key = await creationKey(ctx, queue);
  // One active task per queue, in whichever hash it is (the script checks its own).
  const other = await readTask(ctx, queue);
  if (other && other.key !== key && ACTIVE.has(other.task.state)) {
    checkLuaReply(LuaCode.ACTIVE, "createTask");
  }
  checkLuaReply(await runScript(ctx.redis, "createTask", [key, dlq], args), "createTask");
  return (await readTask(ctx, queue, key))!.task;
}

const ACTIVE = new Set<TaskState>(["pending", "running", "cancelling"]);

/** Whether a task hash's `state` field is that of a task not yet finished. */
export const isActiveState = (state: unknown) => ACTIVE.has(state as TaskState);

/**
 * Where a new task goes. While the stored state is at 0.1.0's schema and a
 * worker has run on it, that worker was a 0.1.0 one (a worker of this release
 * migrates at start): a task created then goes where 0.1.0 workers look, so
 * that a rolling upgrade that replaces the dashboards first still runs it, and
 * a 0.1.0 dashboard shows it. 0.1.0 ran on no Cluster, so there the name is
 * always this release's.
 */
async function creationKey(ctx: EngineContext, queue: string): Promise<string> {
  const own = taskKey(ctx.config, queue);
  const legacy = legacyTaskKey(ctx.config, queue);
  if (!legacy || isCluster(ctx.redis)) return own;
  if ((await readSchema(ctx.redis, ctx.config)).version >= TASK_KEY_SCHEMA) return own;
  return (await readHeartbeats(ctx)).length > 0 ? legacy : own;
}

/** The schema from which tagged task hashes carry their DLQ's tag. */
const TASK_KEY_SCHEMA = 2;

/** The queue's current or last task (a small fixed hash), or null. */
export async function getTask(ctx: EngineContext, queue: string): Promise<RedriveTask | null> {
  return (await readTask(ctx, queue))?.task ?? null;
}

/**
 * The task and the hash it is in: taskKey's, or a 0.1.0 dashboard's
 * (legacyTaskKey). When both hold one, the active one, else the newer.
 */
async function readTask(ctx: EngineContext, queue: string, only?: string) {
  keysOf(ctx, queue); // unknown queues throw before any key is read
  const keys = only ? [only] : taskKeys(ctx.config, queue);
  let best: { key: string; task: RedriveTask } | null = null;
  for (const key of keys) {
    const h = await ctx.redis.hgetall(key);
    if (!h.id) continue;
    const found = { key, task: taskOf(queue, h) };
    if (!best || rank(found.task) > rank(best.task)) best = found;
  }
  return best;
}

/** Active tasks first, then the most recently updated. */
function rank(task: RedriveTask): number {
  return (ACTIVE.has(task.state) ? 1e12 : 0) + task.updatedAt;
}

function taskOf(queue: string, h: Record<string, string>): RedriveTask {
  return {
    id: h.id ?? "",
    queue,
    kind: h.kind === "delete" ? "delete" : "requeue",
    rate: Number(h.rate) || 0,
    // Written by Redrive's scripts; anything else in the hash (by hand, another version) is no state.
    state: TaskStateSchema.safeParse(h.state).data ?? "failed",
    total: Number(h.total) || 0,
    moved: Number(h.moved) || 0,
    createdBy: h.createdBy ?? "",
    createdAt: Number(h.createdAt) || 0,
    updatedAt: Number(h.updatedAt) || 0,
    owner: h.owner ?? "",
    error: h.error ?? "",
  };
}

/** Asks the task to stop; a pending one stops at once. Returns the task, or null when there is none. */
export async function cancelTask(ctx: EngineContext, queue: string): Promise<RedriveTask | null> {
  const found = await readTask(ctx, queue);
  if (!found) return null;
  const { state } = found.task;
  const next = state === "pending" ? "cancelled" : state === "running" ? "cancelling" : null;
  if (next) {
    await ctx.redis.hset(found.key, "state", next, "updatedAt", Math.floor(nowSeconds(ctx)));
  }
  return (await readTask(ctx, queue, found.key))?.task ?? null;
}

async function progress(
  ctx: EngineContext,
  key: string,
  owner: string,
  moved: number,
  final = "",
  error = "",
) {
  const args = [owner, moved, Math.floor(nowSeconds(ctx)), TASK_LEASE_SECONDS, final, error];
  return String(await runScript(ctx.redis, "progressTask", [key], args));
}

/** Claims the queue's task to run, in taskKey's hash or a 0.1.0 dashboard's; the hash claimed, or null. */
async function claim(ctx: EngineContext, queue: string, owner: string): Promise<string | null> {
  for (const key of taskKeys(ctx.config, queue)) {
    const args = [owner, Math.floor(nowSeconds(ctx)), TASK_LEASE_SECONDS];
    if (Number(await runScript(ctx.redis, "claimTask", [key], args)) === 1) return key;
  }
  return null;
}

/** Claims and runs one queue's task if there is one to run; returns whether it ran one. */
export async function runTask(
  ctx: EngineContext,
  queue: string,
  owner: string,
  stop: AbortSignal,
): Promise<boolean> {
  const key = await claim(ctx, queue, owner);
  if (!key) return false;
  const task = (await readTask(ctx, queue, key))!.task;
  if (task.state === "cancelling") {
    await progress(ctx, key, owner, task.moved, "cancelled");
    return true;
  }
  const cancel = new AbortController();
  const onStop = () => cancel.abort();
  stop.addEventListener("abort", onStop, { once: true });
  let last = task.moved;
  try {
    const result = await drainDlq(ctx, queue, task.kind, {
      limit: task.total - task.moved,
      ratePerSecond: task.rate > 0 ? task.rate : undefined,
      signal: cancel.signal,
      onProgress: (moved) => {
        last = task.moved + moved;
        void progress(ctx, key, owner, last).then((state) => {
          if (state !== "running") cancel.abort();
        });
      },
    });
    last = task.moved + result.moved;
    // Stopped by the service (shutdown): hand it back running, for any instance to resume.
    if (stop.aborted) await progress(ctx, key, owner, last, "release");
    else await progress(ctx, key, owner, last, result.cancelled ? "cancelled" : "done");
  } catch (error) {
    await progress(ctx, key, owner, last, "failed", String(error)).catch(() => undefined);
  } finally {
    stop.removeEventListener("abort", onStop);
  }
  return true;
}

/** Polls every queue for tasks until `stop`; runs at most one task at a time. */
export async function taskLoop(
  ctx: EngineContext,
  owner: string,
  stop: AbortSignal,
  pollMs = 1_000,
): Promise<void> {
  while (!stop.aborted) {
    let ran = false;
    for (const queue of ctx.config.QUEUES) {
      if (stop.aborted) break;
      ran = (await runTask(ctx, queue, owner, stop).catch(() => false)) || ran;
    }
    if (!ran) await sleep(pollMs, stop);
  }
}
