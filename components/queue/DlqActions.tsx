"use client";

import { useId, useState } from "react";
import { Button, ConfirmDialog } from "../ui";
import { useAction, useQueue } from "./context";
import {
  isActive,
  purge as purgeOlderThan,
  PURGE_DAYS_MAX,
  REDRIVE_RATE_MAX,
  startTask as startRedriveTask,
  useTask,
} from "./data";
import { plural } from "./text";

type Pending = "requeue" | "delete" | "purge" | null;

const input =
  "mt-1 w-full rounded-md border border-zinc-300 bg-white px-2.5 py-1.5 text-sm focus-visible:outline-2 focus-visible:outline-blue-600 dark:border-zinc-700 dark:bg-zinc-900";

/**
 * Requeue all / delete all (a task run by the worker service) and purge by age,
 * each behind a confirmation that states what it touches.
 */
export function DlqActions(props: { total: number }) {
  const { queue } = useQueue();
  const { data } = useTask(queue);
  const { busy, run } = useAction();
  const [pending, setPending] = useState<Pending>(null);
  const [rate, setRate] = useState("");
  const [days, setDays] = useState("30");
  const rateId = useId();
  const daysId = useId();
  const taskActive = isActive(data?.task);
  const rateValue = rate.trim() === "" ? 0 : Math.floor(Number(rate));
  const rateValid = Number.isFinite(rateValue) && rateValue >= 0 && rateValue <= REDRIVE_RATE_MAX;
  const daysValue = Number(days);
  const daysValid =
    days.trim() !== "" &&
    Number.isFinite(daysValue) &&
    daysValue >= 0 &&
    daysValue <= PURGE_DAYS_MAX;

  const startTask = async (kind: "requeue" | "delete") => {
    const outcome = await run(
      () => startRedriveTask(queue, kind, rateValue),
      (r) =>
        `${kind === "requeue" ? "Requeue all" : "Delete all"} started for ${plural(r.task.total, "message")}; the worker service runs it.`,
      "This queue already has a requeue-all or delete-all task running.",
    );
    if (outcome.ok || outcome.conflict) setPending(null);
  };

  const purge = async () => {
    const outcome = await run(
      () => purgeOlderThan(queue, daysValue),
      (r) => `Purged ${plural(r.purged, "message")} older than ${plural(daysValue, "day")}.`,
    );
    if (outcome.ok) setPending(null);
  };

  const rateField = (
    <div className="mt-4">
      <label htmlFor={rateId} className="block font-medium">
        Rate (messages per second)
      </label>
      <input
        id={rateId}
        type="number"
        min={0}
        step={1}
        inputMode="numeric"
        placeholder="No limit"
        value={rate}
        onChange={(e) => setRate(e.target.value)}
        aria-describedby={`${rateId}-hint`}
        className={input}
      />
      <p id={`${rateId}-hint`} className="mt-1 text-xs text-zinc-600 dark:text-zinc-400">
        Empty or 0 moves as fast as it goes. A low rate spares the workers downstream.
      </p>
    </div>
  );

  const blocked = taskActive ? "A task is already running for this queue" : undefined;

  return (
    <>
      <div className="flex flex-wrap gap-2">
        <Button
          disabled={props.total === 0 || taskActive}
          title={blocked}
          onClick={() => setPending("requeue")}
        >
          Requeue all
        </Button>
        <Button
          disabled={props.total === 0 || taskActive}
          title={blocked}
          onClick={() => setPending("delete")}
        >
          Delete all
        </Button>
        <Button disabled={props.total === 0} onClick={() => setPending("purge")}>
          Purge old
        </Button>
      </div>

      <ConfirmDialog
        open={pending === "requeue"}
        title="Requeue all messages"
        confirmLabel="Requeue all"
        busy={busy || !rateValid}
        onConfirm={() => void startTask("requeue")}
        onClose={() => setPending(null)}
        message={
          <>
            <p>
              Requeue all {plural(props.total, "message")} of {queue} to the work queue?
            </p>
            <p className="mt-2 text-zinc-600 dark:text-zinc-400">
              The oldest go first. Messages that fail after this point join the DLQ again and are
              not moved by this task.
            </p>
            {rateField}
          </>
        }
      />
      <ConfirmDialog
        open={pending === "delete"}
        title="Delete all messages"
        confirmLabel="Delete all"
        danger
        busy={busy || !rateValid}
        onConfirm={() => void startTask("delete")}
        onClose={() => setPending(null)}
        message={
          <>
            <p>
              Delete all {plural(props.total, "message")} of {queue}? They cannot be brought back.
            </p>
            {rateField}
          </>
        }
      />
      <ConfirmDialog
        open={pending === "purge"}
        title="Purge old messages"
        confirmLabel="Purge"
        danger
        busy={busy || !daysValid}
        onConfirm={() => void purge()}
        onClose={() => setPending(null)}
        message={
          <>
            <p>
              Delete the messages of {queue} that failed more than{" "}
              {daysValid ? plural(daysValue, "day") : "N days"} ago? They cannot be brought back.
            </p>
            <div className="mt-4">
              <label htmlFor={daysId} className="block font-medium">
                Older than (days)
              </label>
              <input
                id={daysId}
                type="number"
                min={0}
                max={PURGE_DAYS_MAX}
                step={1}
                inputMode="numeric"
                required
                value={days}
                onChange={(e) => setDays(e.target.value)}
                className={input}
              />
            </div>
          </>
        }
      />
    </>
  );
}
