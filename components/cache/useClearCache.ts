"use client";

import { useState } from "react";
import type { NamespaceStats } from "@/lib/cache/types";
import { useRefreshAll } from "../DashboardProvider";
import { fmtClock, fmtInt } from "../format";
import { storedTimeZone } from "../time";
import { clearCache } from "./data";

/** One namespace's row, or every cache namespace. */
export type ClearTarget = NamespaceStats | "all";

function keys(n: number): string {
  return `${fmtInt(n)} ${n === 1 ? "key" : "keys"}`;
}

function clearedMessage(target: ClearTarget, count: number): string {
  // The time makes a repeated, identical result a new announcement for screen readers.
  const at = fmtClock(Date.now() / 1000, storedTimeZone());
  return target === "all"
    ? `Cleared all cache namespaces at ${at}: ${keys(count)} deleted.`
    : `Cleared namespace ${target.label} (${target.namespace}) at ${at}: ${keys(count)} deleted.`;
}

/** The clear flow: which target the confirm dialog is for, the call, and what it did. */
export function useClearCache() {
  const refreshAll = useRefreshAll();
  const [target, setTarget] = useState<ClearTarget | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [status, setStatus] = useState("");

  function ask(next: ClearTarget) {
    setError(null);
    setTarget(next);
  }

  function cancel() {
    // A clear in flight finishes either way; closing only hides the dialog.
    setTarget(null);
    setError(null);
  }

  async function confirm() {
    if (target === null) return;
    setBusy(true);
    setError(null);
    try {
      const result = await clearCache(target === "all" ? undefined : target.namespace);
      setStatus(clearedMessage(target, result.count));
      setTarget(null);
      void refreshAll();
    } catch (e) {
      // The dialog stays open with the reason: an admin must know the clear did not happen.
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  return { target, busy, error, status, ask, cancel, confirm };
}
