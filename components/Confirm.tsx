"use client";

import { useCallback, useState, type ReactNode } from "react";
import { Button, Dialog, ErrorNote } from "./ui";

/**
 * What a confirmed action answers: nothing closes the dialog; a message keeps
 * it open with the reason, so that an admin never takes a failed change for
 * a done one and can try again.
 */
export type ConfirmOutcome = string | null | void;

/** Which thing a confirmation is about; null while none is asked. */
export function useConfirm<T>() {
  const [target, setTarget] = useState<T | null>(null);
  const ask = useCallback((t: T) => setTarget(() => t), []);
  const close = useCallback(() => setTarget(null), []);
  return { target, ask, close };
}

type OrFn<T, V> = V | ((t: T) => V);

function resolve<T, V>(value: OrFn<T, V>, t: T): V {
  return typeof value === "function" ? (value as (t: T) => V)(t) : value;
}

/**
 * The one confirmation of the dashboard: it states what will happen, the
 * confirm button names the action, it is busy while the action runs, and a
 * failure stays on screen inside it.
 */
export function Confirm<T>(props: {
  target: T | null;
  title: OrFn<T, string>;
  confirmLabel: OrFn<T, string>;
  danger?: OrFn<T, boolean>;
  /** A field of the message is not valid yet: the confirm button waits. */
  invalid?: boolean;
  onConfirm: (t: T) => Promise<ConfirmOutcome>;
  onClose: () => void;
  children: (t: T) => ReactNode;
}) {
  const { target } = props;
  const [busy, setBusy] = useState(false);
  // The failure is kept with the target it belongs to: asking again starts clean.
  const [failure, setFailure] = useState<{ target: T; message: string } | null>(null);

  const confirm = async () => {
    if (target === null) return;
    setBusy(true);
    setFailure(null);
    try {
      const message = await props.onConfirm(target);
      if (message) setFailure({ target, message });
      else props.onClose();
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog
      open={target !== null}
      title={target === null ? "" : resolve(props.title, target)}
      onClose={props.onClose}
      footer={
        target !== null && (
          <>
            <Button onClick={props.onClose}>Cancel</Button>
            <Button
              tone={resolve(props.danger ?? false, target) ? "danger" : "primary"}
              disabled={busy || props.invalid}
              onClick={() => void confirm()}
            >
              {resolve(props.confirmLabel, target)}
            </Button>
          </>
        )
      }
    >
      {target !== null && (
        <div className="space-y-3 text-sm">
          {props.children(target)}
          {failure?.target === target && <ErrorNote error={failure.message} />}
        </div>
      )}
    </Dialog>
  );
}
