"use client";

import type { RedriveTask, TaskState } from "@/lib/http/types";
import { fmtInt } from "../format";
import { useFmtTime } from "../time";
import { Badge, Button } from "../ui";
import { useAction, useQueue } from "./context";
import { cancelTask, isActive, useDlqStats, useTask } from "./data";
import { fmtRelative } from "./text";

const STATE_TONE: Record<TaskState, "blue" | "amber" | "green" | "red" | "neutral"> = {
  pending: "neutral",
  running: "blue",
  cancelling: "amber",
  done: "green",
  cancelled: "amber",
  failed: "red",
};

/** The queue's requeue-all or delete-all task as it stands: progress, rate, who, and cancel. */
export function TaskProgress() {
  const fmtTime = useFmtTime();
  const { queue, isAdmin } = useQueue();
  const { data } = useTask(queue);
  const { data: stats } = useDlqStats();
  const { busy, run } = useAction();
  const task = data?.task;
  if (!task) return null;

  const active = isActive(task);
  const verb = task.kind === "requeue" ? "Requeue all" : "Delete all";
  const elapsed = Math.max(1, task.updatedAt - task.createdAt);
  const measured = task.moved > 0 ? task.moved / elapsed : null;
  const workerDown = active && stats && !stats.worker.healthy;

  const cancel = () =>
    void run(
      () => cancelTask(queue),
      (r) =>
        r.task.state === "cancelled"
          ? `${verb} cancelled before it started.`
          : `${verb} is stopping after the batch in hand.`,
    );

  return (
    <section
      aria-label="Redrive task"
      className="mb-4 rounded-lg border border-zinc-200 bg-white p-3 text-sm dark:border-zinc-800 dark:bg-zinc-900"
    >
      <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
        <span className="font-medium">{verb}</span>
        <Badge tone={STATE_TONE[task.state]}>{task.state}</Badge>
        <span className="tabular-nums">
          {fmtInt(task.moved)} of {fmtInt(task.total)}{" "}
          {task.kind === "requeue" ? "requeued" : "deleted"}
        </span>
        <span className="text-zinc-600 dark:text-zinc-400">
          {task.rate > 0 ? `limit ${fmtInt(task.rate)} msg/s` : "no rate limit"}
          {measured !== null && ` · ${fmtInt(measured)} msg/s average`}
          {" · "}
          <span title={fmtTime(task.createdAt)}>
            started by {task.createdBy} {fmtRelative(task.createdAt)}
          </span>
        </span>
        {isAdmin && active && (
          <Button
            className="ml-auto"
            onClick={cancel}
            disabled={busy || task.state === "cancelling"}
          >
            Cancel task
          </Button>
        )}
      </div>
      <ProgressBar task={task} />
      <TaskNotes task={task} workerDown={!!workerDown} />
    </section>
  );
}

function ProgressBar({ task }: { task: RedriveTask }) {
  const pct = task.total > 0 ? Math.min(100, (task.moved / task.total) * 100) : 100;
  const color =
    task.state === "failed"
      ? "bg-red-600"
      : task.kind === "delete"
        ? "bg-red-600 dark:bg-red-500"
        : "bg-blue-700 dark:bg-blue-400";
  return (
    <div
      role="progressbar"
      aria-label="Redrive progress"
      aria-valuemin={0}
      aria-valuemax={task.total}
      aria-valuenow={task.moved}
      aria-valuetext={`${fmtInt(task.moved)} of ${fmtInt(task.total)}, ${task.state}`}
      className="mt-2 h-2 overflow-hidden rounded-full bg-zinc-200 dark:bg-zinc-800"
    >
      <div
        className={`h-full rounded-full transition-[width] ${color}`}
        style={{ width: `${pct}%` }}
      />
    </div>
  );
}

/** Why a task is not moving: waiting for the worker, the worker down, or its error. */
function TaskNotes({ task, workerDown }: { task: RedriveTask; workerDown: boolean }) {
  return (
    <>
      {task.state === "pending" && !workerDown && (
        <p className="mt-2 text-zinc-600 dark:text-zinc-400">
          Waiting for the worker service to pick it up.
        </p>
      )}
      {workerDown && (
        <p className="mt-2 text-amber-800 dark:text-amber-300">
          The worker service is not running: the task continues when it starts.
        </p>
      )}
      {task.error && <p className="mt-2 text-red-800 dark:text-red-300">{task.error}</p>}
    </>
  );
}
