"use client";

import { useCallback, useMemo, type ReactNode } from "react";
import type { NamespaceStats } from "@/lib/cache/types";
import { DataTable, type Column } from "../table/DataTable";
import { fmtBytes, fmtDuration, fmtInt, fmtPercent } from "../format";
import { Badge, Button } from "../ui";
import { HitRateBar } from "./HitRateBar";

/** A namespace, or Redrive's own keys (shown apart, never cleared). */
interface Row {
  ns: NamespaceStats;
  redrive: boolean;
}

const muted = "text-xs text-zinc-600 dark:text-zinc-400";
const counted = (r: Row) => !r.redrive && r.ns.hits + r.ns.misses > 0;

/** A right-aligned figure, sortable by its value, largest first. */
function figure(
  id: string,
  header: string,
  hint: string,
  value: (n: NamespaceStats) => number | null,
  show: (r: Row) => ReactNode,
): Column<Row> {
  return {
    id,
    header,
    hint,
    align: "right",
    className: "whitespace-nowrap",
    sortValue: (r) => value(r.ns),
    sortDescFirst: true,
    cell: show,
  };
}

/** The counters mean nothing for Redrive's own keys: they are not cache reads. */
const cacheOnly = (show: (n: NamespaceStats) => string) => (r: Row) =>
  r.redrive ? "–" : show(r.ns);

const NAME: Column<Row> = {
  id: "namespace",
  header: "Namespace",
  rowHeader: true,
  phoneLabel: false,
  sortValue: (r) => r.ns.label,
  cell: (r) => (
    <>
      <div className="font-medium">{r.ns.label}</div>
      <div className={`flex items-center gap-1.5 ${muted}`}>
        {r.redrive ? <Badge tone="blue">not cache</Badge> : <code>{r.ns.namespace}</code>}
      </div>
    </>
  ),
};

const PREFIX: Column<Row> = {
  id: "prefix",
  header: "Prefix",
  cell: (r) =>
    r.ns.prefix ? (
      <code className="font-mono text-xs">{r.ns.prefix}*</code>
    ) : (
      <span className={muted}>
        {r.redrive ? "queues, retries, DLQs, redrive:*" : "any other key"}
      </span>
    ),
};

function hitRate(r: Row): ReactNode {
  if (!counted(r)) return <span className={muted}>{r.redrive ? "–" : "no reads"}</span>;
  return (
    <div className="flex items-center justify-end gap-2">
      <HitRateBar rate={r.ns.hitRate} className="w-16" />
      <span className="w-14">{fmtPercent(r.ns.hitRate)}</span>
    </div>
  );
}

const TTL_HINT = "The TTL the cache gives this namespace's keys";
const RATE_HINT = "Hits ÷ (hits + misses) since the counters were created";

/** `est` marks the figures scaled up from a sample. */
function columns(est: string): Column<Row>[] {
  return [
    NAME,
    PREFIX,
    figure(
      "ttl",
      "TTL",
      TTL_HINT,
      (n) => n.ttlSeconds,
      (r) => fmtDuration(r.ns.ttlSeconds),
    ),
    figure(
      "keys",
      `Keys${est}`,
      "Scaled up from the SCAN sample",
      (n) => n.estimatedKeys,
      (r) => fmtInt(r.ns.estimatedKeys),
    ),
    figure(
      "memory",
      `Memory${est}`,
      "MEMORY USAGE summed over the sample, scaled up",
      (n) => n.estimatedBytes,
      (r) => fmtBytes(r.ns.estimatedBytes),
    ),
    figure(
      "hits",
      "Hits",
      "Reads served from the cache, all processes",
      (n) => n.hits,
      cacheOnly((n) => fmtInt(n.hits)),
    ),
    figure(
      "misses",
      "Misses",
      "Reads that had to load the value",
      (n) => n.misses,
      cacheOnly((n) => fmtInt(n.misses)),
    ),
    figure("rate", "Hit rate", RATE_HINT, (n) => n.hitRate, hitRate),
  ];
}

/**
 * Every cache namespace with its estimated size and shared hit/miss counters,
 * and Redrive's own keys in a separate section so that their memory is not
 * read as cache.
 */
export function NamespaceTable(props: {
  namespaces: NamespaceStats[];
  redriveKeys: NamespaceStats;
  exact: boolean;
  canClear: boolean;
  onClear: (ns: NamespaceStats) => void;
}) {
  const cols = useMemo(() => columns(props.exact ? "" : " (est.)"), [props.exact]);
  const rows = useMemo(
    () => props.namespaces.map((ns) => ({ ns, redrive: false })),
    [props.namespaces],
  );
  const redrive = useMemo(() => [{ ns: props.redriveKeys, redrive: true }], [props.redriveKeys]);
  const { onClear } = props;
  // "other" has no prefix: the API cannot clear it, so no button; nor for Redrive's keys.
  const actions = useCallback(
    (r: Row) =>
      r.ns.prefix !== null &&
      !r.redrive && (
        <Button
          className="py-1 text-xs"
          aria-label={`Clear namespace ${r.ns.namespace}`}
          onClick={() => onClear(r.ns)}
        >
          Clear
        </Button>
      ),
    [onClear],
  );

  return (
    <DataTable
      label="Cache namespaces"
      scrollLabel="Namespace table"
      rows={rows}
      rowKey={(r) => r.ns.namespace}
      columns={cols}
      empty="No namespaces."
      actions={props.canClear ? actions : undefined}
      trailing={{
        heading: "Not cache: Redrive's own keys, never cleared from here",
        rows: redrive,
      }}
    />
  );
}
