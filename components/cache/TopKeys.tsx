"use client";

import type { TopKey } from "@/lib/cache/types";
import { DataTable, type Column, type TableFilter } from "../table/DataTable";
import { fmtBytes } from "../format";

const COLUMNS: Column<TopKey>[] = [
  {
    id: "key",
    header: "Key",
    className: "max-w-[32rem] font-mono text-xs break-all",
    sortValue: (k) => k.key,
    cell: (k) => k.key,
  },
  {
    id: "namespace",
    header: "Namespace",
    className: "text-xs",
    sortValue: (k) => k.namespace,
    cell: (k) => <code>{k.namespace}</code>,
  },
  {
    id: "bytes",
    header: "Memory",
    align: "right",
    sortValue: (k) => k.bytes,
    sortDescFirst: true,
    cell: (k) => fmtBytes(k.bytes),
  },
];

const FILTER: TableFilter<TopKey> = {
  label: "Filter keys",
  placeholder: "Filter by key or namespace",
  text: (k) => `${k.key} ${k.namespace}`,
};

/** The largest keys in the sample (cache and other keys; Redrive's own are left out). */
export function TopKeys(props: { keys: TopKey[] }) {
  if (props.keys.length === 0) {
    return <p className="text-sm text-zinc-600 dark:text-zinc-400">No cache keys in the sample.</p>;
  }
  return (
    <DataTable
      label="Top keys by memory"
      scrollLabel="Largest keys"
      className="max-h-[28rem] overflow-y-auto"
      rows={props.keys}
      rowKey={(k) => k.key}
      columns={COLUMNS}
      filter={FILTER}
      initialSort={{ id: "bytes", direction: "desc" }}
      stickyHeader
      empty="No cache keys in the sample."
    />
  );
}
