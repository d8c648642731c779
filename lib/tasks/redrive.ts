import { randomUUID } from "node:crypto";
import type { z } from "zod";
import { runScript } from "../redis/scripts";
import { keysOf, nowSeconds, sleep, type EngineContext } from "../queues/context";
import { checkLuaReply } from "../queues/errors";
import type { MoveMode } from "../queues/dlq-move";
import { drainDlq } from "../queues/drain";
import { TaskStateSchema, type RedriveTaskSchema } from "./schemas";
import { ownKey } from "../own-keys";
import type { Config } from "../config";
import { queueKeys } from "../queues/keys";
import { hashTagOf } from "../redis/slots";

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
  checkLuaReply(
    await runScript(ctx.redis, "createTask", [taskKey(ctx.config, queue), dlq], args),
    "createTask",
  );
  return (await getTask(ctx, queue))!;
}

/** The queue's current or last task (a small fixed hash), or null. */
export async function getTask(ctx: EngineContext, queue: string): Promise<RedriveTask | null> {
  keysOf(ctx, queue); // unknown queues throw before any key is read
  const h = await ctx.redis.hgetall(taskKey(ctx.config, queue));
  if (!h.id) return null;
  return {
    id: h.id,
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
  const task = await getTask(ctx, queue);
  if (!task) return null;
  const next =
    task.state === "pending" ? "cancelled" : task.state === "running" ? "cancelling" : null;
  if (next)
    await ctx.redis.hset(
      taskKey(ctx.config, queue),
      "state",
      next,
      "updatedAt",
      Math.floor(nowSeconds(ctx)),
    );
  return getTask(ctx, queue);
}

async function progress(
  ctx: EngineContext,
  queue: string,
  owner: string,
  moved: number,
  final = "",
  error = "",
) {
  const args = [owner, moved, Math.floor(nowSeconds(ctx)), TASK_LEASE_SECONDS, final, error];
  return String(await runScript(ctx.redis, "progressTask", [taskKey(ctx.config, queue)], args));
}

/** Claims and runs one queue's task if there is one to run; returns whether it ran one. */
export async function runTask(
  ctx: EngineContext,
  queue: string,
  owner: string,
  stop: AbortSignal,
): Promise<boolean> {
  const claimed = await runScript(
    ctx.redis,
    "claimTask",
    [taskKey(ctx.config, queue)],
    [owner, Math.floor(nowSeconds(ctx)), TASK_LEASE_SECONDS],
  );
  if (Number(claimed) !== 1) return false;
  const task = (await getTask(ctx, queue))!;
  if (task.state === "cancelling") {
    await progress(ctx, queue, owner, task.moved, "cancelled");
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
        void progress(ctx, queue, owner, last).then((state) => {
          if (state !== "running") cancel.abort();
        });
      },
    });
    last = task.moved + result.moved;
    // Stopped by the service (shutdown): hand it back running, for any instance to resume.
    if (stop.aborted) await progress(ctx, queue, owner, last, "release");
    else await progress(ctx, queue, owner, last, result.cancelled ? "cancelled" : "done");
  } catch (error) {
    await progress(ctx, queue, owner, last, "failed", String(error)).catch(() => undefined);
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
