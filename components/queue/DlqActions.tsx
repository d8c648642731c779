"use client";

import { useId, useState } from "react";
import { Confirm, useConfirm } from "../Confirm";
import { Button } from "../ui";
import { stayOpenOnFailure, useAction, useQueue } from "./context";
import {
  isActive,
  purge as purgeOlderThan,
  PURGE_DAYS_MAX,
  REDRIVE_RATE_MAX,
  startTask,
  useTask,
  type MoveMode,
} from "./data";
import { plural } from "./text";

type Pending = MoveMode | "purge";

const input =
  "mt-1 w-full rounded-md border border-zinc-300 bg-white px-2.5 py-1.5 text-sm focus-visible:outline-2 focus-visible:outline-blue-600 dark:border-zinc-700 dark:bg-zinc-900";
const hint = "mt-1 text-xs text-zinc-600 dark:text-zinc-400";

/**
 * Requeue all / delete all (a task run by the worker service) and purge by age,
 * each behind a confirmation that states what it touches.
 */
export function DlqActions(props: { total: number }) {
  const { queue } = useQueue();
  const { data } = useTask(queue);
  const confirm = useConfirm<Pending>();
  const taskActive = isActive(data?.task);
  const blocked = taskActive ? "A task is already running for this queue" : undefined;
  const empty = props.total === 0;

  return (
    <>
      <div className="flex flex-wrap gap-2">
        <Button
          disabled={empty || taskActive}
          title={blocked}
          onClick={() => confirm.ask("requeue")}
        >
          Requeue all
        </Button>
        <Button
          disabled={empty || taskActive}
          title={blocked}
          onClick={() => confirm.ask("delete")}
        >
          Delete all
        </Button>
        <Button disabled={empty} onClick={() => confirm.ask("purge")}>
          Purge old
        </Button>
      </div>
      <TaskConfirm
        mode={confirm.target === "purge" ? null : confirm.target}
        total={props.total}
        onClose={confirm.close}
      />
      <PurgeConfirm open={confirm.target === "purge"} onClose={confirm.close} />
    </>
  );
}

/** Requeue all or delete all, at a rate the admin may set. */
function TaskConfirm(props: { mode: MoveMode | null; total: number; onClose: () => void }) {
  const { queue } = useQueue();
  const { run } = useAction();
  const [rate, setRate] = useState("");
  const rateId = useId();
  const rateValue = rate.trim() === "" ? 0 : Math.floor(Number(rate));
  const rateValid = Number.isFinite(rateValue) && rateValue >= 0 && rateValue <= REDRIVE_RATE_MAX;
  const messages = plural(props.total, "message");

  const start = async (mode: MoveMode) =>
    stayOpenOnFailure(
      await run(
        () => startTask(queue, mode, rateValue),
        (r) =>
          `${mode === "requeue" ? "Requeue all" : "Delete all"} started for ${plural(r.task.total, "message")}; the worker service runs it.`,
        "This queue already has a requeue-all or delete-all task running.",
      ),
    );

  return (
    <Confirm
      target={props.mode}
      title={(m) => (m === "requeue" ? "Requeue all messages" : "Delete all messages")}
      confirmLabel={(m) => (m === "requeue" ? "Requeue all" : "Delete all")}
      danger={(m) => m === "delete"}
      invalid={!rateValid}
      onConfirm={start}
      onClose={props.onClose}
    >
      {(mode) => (
        <>
          {mode === "requeue" ? (
            <>
              <p>
                Requeue all {messages} of {queue} to the work queue?
              </p>
              <p className="text-zinc-600 dark:text-zinc-400">
                The oldest go first. Messages that fail after this point join the DLQ again and are
                not moved by this task.
              </p>
            </>
          ) : (
            <p>
              Delete all {messages} of {queue}? They cannot be brought back.
            </p>
          )}
          <div className="pt-1">
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
            <p id={`${rateId}-hint`} className={hint}>
              Empty or 0 moves as fast as it goes. A low rate spares the workers downstream.
            </p>
          </div>
        </>
      )}
    </Confirm>
  );
}

/** Delete what failed more than N days ago. */
function PurgeConfirm(props: { open: boolean; onClose: () => void }) {
  const { queue } = useQueue();
  const { run } = useAction();
  const [days, setDays] = useState("30");
  const daysId = useId();
  const daysValue = Number(days);
  const daysValid =
    days.trim() !== "" &&
    Number.isFinite(daysValue) &&
    daysValue >= 0 &&
    daysValue <= PURGE_DAYS_MAX;

  const purge = async () =>
    stayOpenOnFailure(
      await run(
        () => purgeOlderThan(queue, daysValue),
        (r) => `Purged ${plural(r.purged, "message")} older than ${plural(daysValue, "day")}.`,
      ),
    );

  return (
    <Confirm
      target={props.open ? "purge" : null}
      title="Purge old messages"
      confirmLabel="Purge"
      danger
      invalid={!daysValid}
      onConfirm={purge}
      onClose={props.onClose}
    >
      {() => (
        <>
          <p>
            Delete the messages of {queue} that failed more than{" "}
            {daysValid ? plural(daysValue, "day") : "N days"} ago? They cannot be brought back.
          </p>
          <div className="pt-1">
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
      )}
    </Confirm>
  );
}
