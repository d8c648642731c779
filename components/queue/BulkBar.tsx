"use client";

import { useState } from "react";
import { Button, ConfirmDialog } from "../ui";
import { useAction, useQueue } from "./context";
import { deleteSelected, requeueSelected, type MessageRef } from "./data";
import { plural } from "./text";

export type Selected = MessageRef;

/** Requeue or delete the checked messages of the page (admin only; the caller decides). */
export function BulkBar(props: { selected: Selected[]; onDone: () => void }) {
  const { queue } = useQueue();
  const { busy, run } = useAction();
  const n = props.selected.length;
  // Deleting cannot be undone: it is confirmed, with the count. Requeueing is not.
  const [confirming, setConfirming] = useState(false);

  const act = async (mode: "requeue" | "delete") => {
    const outcome = await run(
      () => (mode === "requeue" ? requeueSelected : deleteSelected)(queue, props.selected),
      (r) =>
        `${plural(r.moved.length, "message")} ${mode === "requeue" ? "requeued" : "deleted"}` +
        (r.missing.length > 0
          ? `; ${plural(r.missing.length, "message was", "messages were")} no longer in the DLQ.`
          : "."),
    );
    if (outcome.ok) props.onDone();
  };

  return (
    <div className="flex flex-wrap items-center gap-2 text-sm">
      <span className="tabular-nums text-zinc-600 dark:text-zinc-400">
        {n > 0 ? `${plural(n, "message")} selected` : "Select messages to act on them"}
      </span>
      <Button disabled={n === 0 || busy} onClick={() => void act("requeue")}>
        Requeue selected
      </Button>
      <Button disabled={n === 0 || busy} onClick={() => setConfirming(true)}>
        Delete selected
      </Button>
      <ConfirmDialog
        open={confirming}
        title="Delete selected messages"
        message={`Delete ${plural(n, "message")} from ${queue}'s DLQ? This cannot be undone.`}
        confirmLabel="Delete"
        danger
        busy={busy}
        onClose={() => setConfirming(false)}
        onConfirm={() => {
          setConfirming(false);
          void act("delete");
        }}
      />
    </div>
  );
}
