"use client";

import type { NamespaceStats } from "@/lib/cache/types";
import { Confirm, type ConfirmOutcome } from "../Confirm";
import { useRefreshAll } from "../DashboardProvider";
import { fmtBytes, fmtClock, fmtInt } from "../format";
import { storedTimeZone } from "../time";
import { clearCache } from "./data";

const KEPT =
  "Queue, retry, DLQ and Redrive keys are never deleted, even when their names share a prefix.";
const AFTERMATH =
  "Applications reload what they need on their next reads, so expect a burst of misses and more load on their data sources for a while.";

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
 * The confirmation for one namespace or for all of them: it says exactly what
 * goes, clears, and reports what it did. A failure keeps it open with the
 * reason: an admin must know the clear did not happen.
 */
export function ClearCacheDialog(props: {
  target: ClearTarget | null;
  /** Clearable namespaces (those with a prefix), for "all". */
  namespaces: NamespaceStats[];
  /** Keys under no namespace, which "all" leaves alone. */
  other: NamespaceStats | undefined;
  exact: boolean;
  onCleared: (status: string) => void;
  onClose: () => void;
}) {
  const refreshAll = useRefreshAll();
  const approx = props.exact ? "" : "about ";
  const clear = async (target: ClearTarget): Promise<ConfirmOutcome> => {
    try {
      const result = await clearCache(target === "all" ? undefined : target.namespace);
      props.onCleared(clearedMessage(target, result.count));
      void refreshAll();
    } catch (e) {
      return e instanceof Error ? e.message : String(e);
    }
  };
  return (
    <Confirm
      target={props.target}
      title={(t) => (t === "all" ? "Clear all cache?" : `Clear namespace ${t.label}?`)}
      confirmLabel={(t) => (t === "all" ? "Clear all" : "Clear namespace")}
      danger
      onConfirm={clear}
      onClose={props.onClose}
    >
      {(target) => (
        <>
          {target === "all" ? (
            <AllMessage {...props} approx={approx} />
          ) : (
            <p>
              Deletes every key of <strong>{target.label}</strong> (
              <code className="font-mono">{target.namespace}</code>), the keys starting with{" "}
              <code className="font-mono">{target.prefix}</code>: {approx}
              <strong className="tabular-nums">{fmtInt(target.estimatedKeys)}</strong> keys,{" "}
              {approx}
              {fmtBytes(target.estimatedBytes)}.
            </p>
          )}
          <p className="text-zinc-600 dark:text-zinc-400">{KEPT}</p>
          <p className="text-zinc-600 dark:text-zinc-400">{AFTERMATH}</p>
        </>
      )}
    </Confirm>
  );
}

function AllMessage(props: {
  namespaces: NamespaceStats[];
  other: NamespaceStats | undefined;
  approx: string;
}) {
  const total = props.namespaces.reduce((sum, n) => sum + n.estimatedKeys, 0);
  return (
    <>
      <p>
        Deletes every key of every cache namespace: {props.approx}
        <strong className="tabular-nums">{fmtInt(total)}</strong> keys in all.
      </p>
      <ul className="divide-y divide-zinc-200 rounded-md border border-zinc-200 dark:divide-zinc-800 dark:border-zinc-800">
        {props.namespaces.map((n) => (
          <li key={n.namespace} className="flex items-baseline justify-between gap-3 px-3 py-1.5">
            <span>
              {n.label} <code className="font-mono text-xs">{n.prefix}*</code>
            </span>
            <span className="tabular-nums">{fmtInt(n.estimatedKeys)}</span>
          </li>
        ))}
      </ul>
      {props.other && props.other.estimatedKeys > 0 && (
        <p>
          Keys under no namespace ({props.approx}
          {fmtInt(props.other.estimatedKeys)}, shown as “{props.other.label}”) are kept.
        </p>
      )}
    </>
  );
}
