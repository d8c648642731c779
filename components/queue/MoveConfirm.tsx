"use client";

import { useCallback } from "react";
import { Confirm, useConfirm, type ConfirmOutcome } from "../Confirm";
import { fmtInt } from "../format";
import { useQueue } from "./context";
import type { MoveMode } from "./data";
import { deepMoveNote } from "./text";

/** A requeue or delete of `of` (one message, a selection) waiting for its confirmation. */
export interface Move<P> {
  mode: MoveMode;
  of: P;
}

/** One message: its position, and how a confirmation names it. */
export const oneIndex = (m: { index: number }) => [m.index];
export const oneName = (m: { index: number }) => `message ${fmtInt(m.index)}`;

/**
 * Every delete is confirmed (it cannot be undone: `ask` it); a requeue only
 * from deep inside a long DLQ, where it stalls Redis (text.ts, deepMoveNote):
 * `requeue` asks then, else runs `now` at once. `indices` should be stable (a
 * module-level function), so that `requeue` is.
 */
export function useMoveConfirm<P>(total: number, indices: (of: P) => number[]) {
  const confirm = useConfirm<Move<P>>();
  const { ask } = confirm;
  const requeue = useCallback(
    (of: P, now: (of: P) => void) =>
      deepMoveNote(indices(of), total) ? ask({ mode: "requeue", of }) : now(of),
    [ask, indices, total],
  );
  return { ...confirm, requeue };
}

/** The confirmation of a move by position: what it does, and what it costs Redis when deep. */
export function MoveConfirm<P>(props: {
  target: Move<P> | null;
  /** The DLQ's length, for what a move from deep inside it costs. */
  total: number;
  indices: (of: P) => number[];
  /** "message 5", "3 messages". */
  what: (of: P) => string;
  titles: Record<MoveMode, string>;
  onConfirm: (t: Move<P>) => Promise<ConfirmOutcome>;
  onClose: () => void;
}) {
  const { queue } = useQueue();
  return (
    <Confirm
      target={props.target}
      title={(t) => props.titles[t.mode]}
      confirmLabel={(t) => (t.mode === "delete" ? "Delete" : "Requeue")}
      danger={(t) => t.mode === "delete"}
      onConfirm={props.onConfirm}
      onClose={props.onClose}
    >
      {({ mode, of }) => (
        <>
          <p>
            {mode === "delete"
              ? `Delete ${props.what(of)} from ${queue}'s DLQ? It cannot be brought back.`
              : `Requeue ${props.what(of)} to ${queue}'s work queue?`}
          </p>
          <DeepMoveNote note={deepMoveNote(props.indices(of), props.total)} />
        </>
      )}
    </Confirm>
  );
}

/** What a move from deep inside a long DLQ costs Redis (text.ts, deepMoveNote); nothing otherwise. */
export function DeepMoveNote(props: { note: string | null }) {
  if (!props.note) return null;
  return (
    <p
      role="note"
      className="mt-3 rounded border border-amber-300 bg-amber-50 p-2 text-sm text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100"
    >
      {props.note}
    </p>
  );
}
