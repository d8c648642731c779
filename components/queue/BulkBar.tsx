"use client";

import { useState } from "react";
import { Button } from "../ui";
import { stayOpenOnFailure, useAction, useQueue } from "./context";
import { deleteSelected, requeueSelected, requeueSelectedLater, type MessageRef } from "./data";
import { ExportSelected } from "./Export";
import { LaterDialog } from "./LaterDialog";
import { RequeueWith } from "./RequeueWith";
import { MoveConfirm, useMoveConfirm } from "./MoveConfirm";
import { deepMoveNote, plural } from "./text";

export type Selected = MessageRef;

const at = (selected: Selected[]) => selected.map((s) => s.index);
const named = (selected: Selected[]) => plural(selected.length, "message");
const TITLES = { delete: "Delete selected messages", requeue: "Requeue selected messages" };

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
  const confirm = useMoveConfirm(props.total, at);
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
        onClick={() => confirm.requeue(props.selected, (of) => void act("requeue", of))}
      >
        Requeue selected
      </Button>
      <LaterAndOptions
        selected={props.selected}
        total={props.total}
        busy={busy}
        run={run}
        onDone={props.onDone}
      />
      <ExportSelected selected={props.selected} />
      <Button
        disabled={n === 0 || busy}
        onClick={() => confirm.ask({ mode: "delete", of: props.selected })}
      >
        Delete selected
      </Button>
      {/* The dialog acts on the selection it was opened for, even if a poll changes the page. */}
      <MoveConfirm
        target={confirm.target}
        total={props.total}
        indices={at}
        what={named}
        titles={TITLES}
        onConfirm={(t) => act(t.mode, t.of)}
        onClose={confirm.close}
      />
    </div>
  );
}

/** "Requeue later…" and "Requeue with options…": each acts on the selection it was opened for. */
function LaterAndOptions(props: {
  selected: Selected[];
  /** The DLQ's length, for what a move from deep inside it costs. */
  total: number;
  busy: boolean;
  run: ReturnType<typeof useAction>["run"];
  onDone: () => void;
}) {
  const { queue } = useQueue();
  // The selection a dialog was opened for: a poll may change the page meanwhile.
  const [later, setLater] = useState<Selected[] | null>(null);
  const [withOptions, setWithOptions] = useState<Selected[] | null>(null);
  const none = props.selected.length === 0 || props.busy;
  const actLater = async (selected: Selected[], due: number) => {
    const outcome = await props.run(
      () => requeueSelectedLater(queue, selected, due),
      (r) =>
        `${plural(r.moved.length, "message")} requeued to the retry set, due ${new Date(due * 1000).toLocaleString()}` +
        (r.missing.length > 0
          ? `; ${plural(r.missing.length, "message was", "messages were")} no longer in the DLQ.`
          : "."),
    );
    if (outcome.ok) props.onDone();
    setLater(null);
  };
  return (
    <>
      <Button disabled={none} onClick={() => setLater(props.selected)}>
        Requeue later…
      </Button>
      <Button disabled={none} onClick={() => setWithOptions(props.selected)}>
        Requeue with options…
      </Button>
      {later && (
        <LaterDialog
          what={plural(later.length, "message")}
          busy={props.busy}
          deep={deepMoveNote(at(later), props.total)}
          onConfirm={(due) => void actLater(later, due)}
          onClose={() => setLater(null)}
        />
      )}
      {withOptions && (
        <RequeueWith
          what={named(withOptions)}
          many={{ messages: withOptions }}
          deep={deepMoveNote(at(withOptions), props.total)}
          onClose={() => setWithOptions(null)}
          onDone={() => {
            setWithOptions(null);
            props.onDone();
          }}
        />
      )}
    </>
  );
}
