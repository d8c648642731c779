"use client";

import { useState } from "react";
import type { DlqMessage } from "@/lib/http/types";
import { fmtInt } from "../format";
import { Button } from "../ui";
import { GONE, useAction, useQueue } from "./context";
import { requeueOneLater } from "./data";
import { LaterDialog } from "./LaterDialog";
import { deepMoveNote } from "./text";

/** The drawer's "Requeue later…": the time dialog, then the move into the retry set. */
export function RequeueLater(props: {
  m: DlqMessage;
  /** The DLQ's length, for what a move from deep inside it costs. */
  total: number;
  /** The drawer's action: one at a time, its buttons disabled meanwhile. */
  action: ReturnType<typeof useAction>;
  onDone: () => void;
  onFailure: (message: string) => void;
}) {
  const { queue } = useQueue();
  const { busy, run } = props.action;
  const [open, setOpen] = useState(false);
  const { m } = props;
  const act = async (at: number) => {
    const due = new Date(at * 1000).toLocaleString();
    const outcome = await run(
      () => requeueOneLater(queue, m, at),
      () => `Message ${m.index} requeued to the retry set, due ${due}.`,
      GONE,
    );
    setOpen(false);
    // Closed after a conflict too: the drawer's snapshot is no longer what the DLQ holds.
    if (outcome.ok || outcome.conflict) props.onDone();
    else props.onFailure(outcome.message);
  };
  return (
    <>
      <Button disabled={busy} onClick={() => setOpen(true)}>
        Requeue later…
      </Button>
      {open && (
        <LaterDialog
          what={`Message ${fmtInt(m.index)}`}
          busy={busy}
          deep={deepMoveNote([m.index], props.total)}
          onConfirm={(at) => void act(at)}
          onClose={() => setOpen(false)}
        />
      )}
    </>
  );
}
