"use client";

import { useState } from "react";
import type { NamespaceStats } from "@/lib/cache/types";
import { useConfirm, type ConfirmOutcome } from "../Confirm";
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

/**
 * The clear flow: which target the confirmation is for, the call, and what it
 * did. A failure keeps the confirmation open with the reason: an admin must
 * know the clear did not happen.
 */
export function useClearCache() {
  const refreshAll = useRefreshAll();
  const confirm = useConfirm<ClearTarget>();
  const [status, setStatus] = useState("");

  async function clear(target: ClearTarget): Promise<ConfirmOutcome> {
    try {
      const result = await clearCache(target === "all" ? undefined : target.namespace);
      setStatus(clearedMessage(target, result.count));
      void refreshAll();
    } catch (e) {
      return e instanceof Error ? e.message : String(e);
    }
  }

  return { ...confirm, status, clear };
}
