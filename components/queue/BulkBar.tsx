"use client";

import { Confirm, useConfirm } from "../Confirm";
import { Button } from "../ui";
import { stayOpenOnFailure, useAction, useQueue } from "./context";
import { deleteSelected, requeueSelected, type MessageRef } from "./data";
import { DeepMoveNote } from "./DeepMoveNote";
import { deepMoveNote, plural } from "./text";

export type Selected = MessageRef;

/** Requeue or delete the checked messages of the page (admin only; the caller decides). */
export function BulkBar(props: {
  selected: Selected[];
  /** The DLQ's length, for what a move from deep inside it costs. */
  total: number;
  onDone: () => void;
}) {
  const { queue } = useQueue();
  const { busy, run } = useAction();
  const n = props.selected.length;
  // Deleting cannot be undone: it is confirmed, with the count. Requeueing is confirmed
  // only from deep inside a long DLQ, where it stalls Redis.
  const confirm = useConfirm<{ mode: "requeue" | "delete"; selected: Selected[] }>();
  const deep = (selected: Selected[]) =>
    deepMoveNote(
      selected.map((s) => s.index),
      props.total,
    );

  const act = async (mode: "requeue" | "delete", selected: Selected[]) => {
    const outcome = await run(
      () => (mode === "requeue" ? requeueSelected : deleteSelected)(queue, selected),
      (r) =>
        `${plural(r.moved.length, "message")} ${mode === "requeue" ? "requeued" : "deleted"}` +
        (r.missing.length > 0
          ? `; ${plural(r.missing.length, "message was", "messages were")} no longer in the DLQ.`
          : "."),
    );
    if (outcome.ok) props.onDone();
    return stayOpenOnFailure(outcome);
  };

  return (
    <div className="flex flex-wrap items-center gap-2 text-sm">
      <span className="tabular-nums text-zinc-600 dark:text-zinc-400">
        {n > 0 ? `${plural(n, "message")} selected` : "Select messages to act on them"}
      </span>
      <Button
        disabled={n === 0 || busy}
        onClick={() =>
          deep(props.selected)
            ? confirm.ask({ mode: "requeue", selected: props.selected })
            : void act("requeue", props.selected)
        }
      >
        Requeue selected
      </Button>
      <Button
        disabled={n === 0 || busy}
        onClick={() => confirm.ask({ mode: "delete", selected: props.selected })}
      >
        Delete selected
      </Button>
      {/* The dialog acts on the selection it was opened for, even if a poll changes the page. */}
      <Confirm
        target={confirm.target}
        title={(t) =>
          t.mode === "delete" ? "Delete selected messages" : "Requeue selected messages"
        }
        confirmLabel={(t) => (t.mode === "delete" ? "Delete" : "Requeue")}
        danger={(t) => t.mode === "delete"}
        onConfirm={(t) => act(t.mode, t.selected)}
        onClose={confirm.close}
      >
        {({ mode, selected }) => (
          <>
            <p>
              {mode === "delete"
                ? `Delete ${plural(selected.length, "message")} from ${queue}'s DLQ? This cannot be undone.`
                : `Requeue ${plural(selected.length, "message")} to ${queue}'s work queue?`}
            </p>
            <DeepMoveNote note={deep(selected)} />
          </>
        )}
      </Confirm>
    </div>
  );
}
