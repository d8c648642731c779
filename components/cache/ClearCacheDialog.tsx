"use client";

import type { NamespaceStats } from "@/lib/cache/types";
import { fmtBytes, fmtInt } from "../format";
import { Confirm, type ConfirmOutcome } from "../Confirm";
import type { ClearTarget } from "./useClearCache";

const KEPT =
  "Queue, retry, DLQ and Redrive keys are never deleted, even when their names share a prefix.";
const AFTERMATH =
  "Applications reload what they need on their next reads, so expect a burst of misses and more load on their data sources for a while.";

/** The confirmation for one namespace or for all of them: it says exactly what goes. */
export function ClearCacheDialog(props: {
  target: ClearTarget | null;
  /** Clearable namespaces (those with a prefix), for "all". */
  namespaces: NamespaceStats[];
  /** Keys under no namespace, which "all" leaves alone. */
  other: NamespaceStats | undefined;
  exact: boolean;
  onConfirm: (target: ClearTarget) => Promise<ConfirmOutcome>;
  onClose: () => void;
}) {
  const approx = props.exact ? "" : "about ";
  return (
    <Confirm
      target={props.target}
      title={(t) => (t === "all" ? "Clear all cache?" : `Clear namespace ${t.label}?`)}
      confirmLabel={(t) => (t === "all" ? "Clear all" : "Clear namespace")}
      danger
      onConfirm={props.onConfirm}
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
