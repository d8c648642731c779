"use client";

import { useState } from "react";
import type { DlqMessage } from "@/lib/http/types";
import { fmtBytes, fmtInt } from "../format";
import { Button, Dialog, ErrorNote } from "../ui";
import { GONE, stayOpenOnFailure, useAction, useQueue } from "./context";
import { deleteOne, requeueOne, useWholeMessage, type MoveMode } from "./data";
import { EditAndRequeue } from "./EditMessage";
import { RequeueLater } from "./RequeueLater";
import { RequeueWith } from "./RequeueWith";
import { deepMoveNote } from "./text";
import { MessageDetails } from "./MessageDetails";
import { MoveConfirm, oneIndex, oneName, useMoveConfirm } from "./MoveConfirm";

/**
 * One message as it was when opened: a snapshot, so that polling does not
 * swap the entry under the reader's eyes while the DLQ shifts.
 */
export function MessageDrawer(props: {
  message: DlqMessage | null;
  /** The DLQ's length, for what a move from deep inside it costs. */
  total: number;
  onClose: () => void;
}) {
  const m = props.message;
  const { queue, isAdmin } = useQueue();
  const action = useAction();
  const { run } = action;
  const [failure, setFailure] = useState<string | null>(null);
  const [withOptions, setWithOptions] = useState(false);
  const confirm = useMoveConfirm<DlqMessage>(props.total, oneIndex);

  const close = () => {
    setFailure(null);
    confirm.close();
    props.onClose();
  };

  const act = async (mode: MoveMode, message: DlqMessage) => {
    setFailure(null);
    const outcome = await run(
      () => (mode === "requeue" ? requeueOne : deleteOne)(queue, message),
      () =>
        `Message ${message.index} ${mode === "requeue" ? "requeued to the work queue" : "deleted"}.`,
      GONE,
    );
    // Closed after a conflict too: this snapshot is no longer what the DLQ holds. Other
    // failures stay in the drawer (the status line is behind the modal) so that one can retry.
    if (outcome.ok || outcome.conflict) close();
    else setFailure(outcome.message);
    return stayOpenOnFailure(outcome);
  };

  return (
    <Dialog
      side
      open={m !== null}
      title={m ? `Message ${fmtInt(m.index)}` : "Message"}
      onClose={close}
      footer={
        m && isAdmin ? (
          <DrawerButtons
            m={m}
            total={props.total}
            action={action}
            onAsk={confirm.ask}
            onRequeue={() => confirm.requeue(m, (of) => void act("requeue", of))}
            onDone={close}
            onFailure={setFailure}
            onOptions={() => setWithOptions(true)}
          />
        ) : undefined
      }
    >
      {failure && (
        <div className="mb-4">
          <ErrorNote error={failure} />
        </div>
      )}
      {m && <Whole m={m} />}
      {m && withOptions && (
        <RequeueWith
          what={`message ${fmtInt(m.index)}`}
          many={{ messages: [{ identity: m.identity, index: m.index }] }}
          deep={deepMoveNote([m.index], props.total)}
          onClose={() => setWithOptions(false)}
          onDone={() => {
            setWithOptions(false);
            close();
          }}
        />
      )}
      <MoveConfirm
        target={confirm.target}
        total={props.total}
        indices={oneIndex}
        what={oneName}
        titles={TITLES}
        onConfirm={(t) => act(t.mode, t.of)}
        onClose={confirm.close}
      />
    </Dialog>
  );
}

/**
 * Lists carry the head of an entry above 64 KB; the drawer fetches it whole (up to 16 MB)
 * (once: the drawer is a snapshot, not polled).
 */
function Whole({ m }: { m: DlqMessage }) {
  const { queue } = useQueue();
  const { data, error } = useWholeMessage(queue, m);
  const whole = data?.message ?? m;
  return (
    <>
      {m.truncated && !data && !error && (
        <p role="status" className="mb-3 text-xs text-zinc-600 dark:text-zinc-400">
          Loading the whole message ({fmtBytes(m.bytes)})…
        </p>
      )}
      {error && (
        <div className="mb-3">
          <ErrorNote error={error} />
        </div>
      )}
      <MessageDetails
        key={`${whole.index}:${whole.identity}:${whole.truncated ? "cut" : "whole"}`}
        m={whole}
      />
    </>
  );
}

const TITLES = { delete: "Delete message", requeue: "Requeue message" };

/** The drawer's actions, from the most destructive to the usual one. */
function DrawerButtons(props: {
  m: DlqMessage;
  total: number;
  action: ReturnType<typeof useAction>;
  onAsk: (t: { mode: MoveMode; of: DlqMessage }) => void;
  onRequeue: () => void;
  onDone: () => void;
  onFailure: (message: string) => void;
  onOptions: () => void;
}) {
  const { m, action } = props;
  const busy = action.busy;
  return (
    <>
      <Button tone="danger" disabled={busy} onClick={() => props.onAsk({ mode: "delete", of: m })}>
        Delete
      </Button>
      <RequeueLater
        m={m}
        total={props.total}
        action={action}
        onDone={props.onDone}
        onFailure={props.onFailure}
      />
      <Button disabled={busy} onClick={props.onOptions}>
        Requeue with options…
      </Button>
      <EditAndRequeue m={m} action={action} onDone={props.onDone} />
      <Button tone="primary" disabled={busy} onClick={props.onRequeue}>
        Requeue
      </Button>
    </>
  );
}
