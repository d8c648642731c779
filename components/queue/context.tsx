"use client";

import { createContext, useCallback, useContext, useState } from "react";
import { ApiError, takeReplicationWarning } from "../api";
import { useRefreshAll } from "../DashboardProvider";

/** What every part of the queue page shares: the queue, the role, and the status line. */
export interface Status {
  tone: "success" | "error";
  text: string;
  /** Bumps on every report, so that a repeated message is announced again. */
  seq: number;
}

interface QueueState {
  queue: string;
  isAdmin: boolean;
  notify(tone: Status["tone"], text: string): void;
}

export const QueueContext = createContext<QueueState | null>(null);

export function useQueue(): QueueState {
  const state = useContext(QueueContext);
  if (!state) throw new Error("useQueue outside QueueView");
  return state;
}

/** What a 409 on one message means to the admin who pressed the button. */
export const GONE =
  "This message is no longer in the DLQ at that position (it was requeued, deleted or moved by someone else). The list has been refreshed.";

/** A failed call in words an operator can act on. */
export function describeError(error: unknown, conflict?: string): string {
  if (error instanceof ApiError) {
    if (error.status === 409 && conflict) return conflict;
    if (error.status === 403) return "Only admins can do this.";
    if (error.isOutage) return `Nothing was changed: ${error.message}.`;
    return error.message;
  }
  return error instanceof Error ? error.message : String(error);
}

export type Outcome<T> =
  { ok: true; result: T } | { ok: false; conflict: boolean; message: string };

/**
 * A Confirm's answer to an outcome: it closes after a success or a conflict
 * (the page is refreshed and the status line says what happened); any other
 * failure keeps it open with the reason, since the status line is behind it.
 */
export function stayOpenOnFailure(outcome: Outcome<unknown>): string | null {
  return outcome.ok || outcome.conflict ? null : outcome.message;
}

/**
 * Runs a mutation: reports its outcome in the status line and refreshes every
 * count on the page afterwards, also after a failure (a 409 means the data on
 * screen is stale).
 */
export function useAction() {
  const { notify } = useQueue();
  const refresh = useRefreshAll();
  const [busy, setBusy] = useState(false);
  const run = useCallback(
    async <T,>(
      call: () => Promise<T>,
      success: (result: T) => string,
      conflict?: string,
    ): Promise<Outcome<T>> => {
      setBusy(true);
      try {
        const result = await call();
        const unconfirmed = takeReplicationWarning();
        if (unconfirmed) notify("error", `${success(result)} ${unconfirmed}`);
        else notify("success", success(result));
        return { ok: true, result };
      } catch (error) {
        const message = describeError(error, conflict);
        notify("error", message);
        return { ok: false, conflict: error instanceof ApiError && error.status === 409, message };
      } finally {
        setBusy(false);
        void refresh();
      }
    },
    [notify, refresh],
  );
  return { busy, run };
}
