"use client";

import { useState } from "react";
import type { DeniedRow } from "@/lib/http/types";
import { ApiError } from "../api";
import { fmtInt } from "../format";
import { Time } from "../time";
import { DataTable, type Column, type TableFilter } from "../table/DataTable";
import { ErrorNote, Segmented } from "../ui";
import { DENIED_MINUTES_MAX, useDeniedRequests } from "./data";

const WINDOWS = { "1 h": 60, "24 h": DENIED_MINUTES_MAX } as const;
type Window = keyof typeof WINDOWS;
const COLUMNS: Column<DeniedRow>[] = [
  {
    id: "minute",
    header: "Minute",
    className: "whitespace-nowrap tabular-nums",
    sortValue: (r) => r.minute,
    sortDescFirst: true,
    cell: (r) => <Time at={r.minute} seconds={false} />,
  },
  {
    id: "user",
    header: "User",
    className: "whitespace-nowrap font-medium",
    sortValue: (r) => r.user,
    cell: (r) => r.user,
  },
  {
    id: "action",
    header: "Action",
    className: "whitespace-nowrap",
    sortValue: (r) => r.action,
    cell: (r) => r.action,
  },
  {
    id: "count",
    header: "Denied",
    align: "right",
    sortValue: (r) => r.count,
    sortDescFirst: true,
    cell: (r) => fmtInt(r.count),
  },
];

const FILTER: TableFilter<DeniedRow> = {
  label: "Filter denied requests",
  placeholder: "Filter by user or action",
  text: (r) => `${r.user} ${r.action}`,
};

const NONE: DeniedRow[] = [];

/** Denied changes, counted per minute, user and action (they are not all in the log above). */
export function DeniedRequests() {
  const [span, setSpan] = useState<Window>("1 h");
  const { data, error } = useDeniedRequests(WINDOWS[span]);
  const shownError = error instanceof ApiError && error.isOutage ? null : error;
  const rows = data?.rows ?? NONE;
  const total = rows.reduce((sum, r) => sum + r.count, 0);

  return (
    <section aria-labelledby="denied-heading" className="space-y-3">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h2 id="denied-heading" className="text-base font-semibold">
            Denied requests
          </h2>
          <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">
            Changes refused to a viewer or to a cross-site request, counted per minute. The log
            above keeps only the first few of each user and action per minute.
          </p>
        </div>
        <Segmented
          label="Denied requests window"
          options={Object.keys(WINDOWS) as Window[]}
          value={span}
          onChange={setSpan}
        />
      </div>
      <ErrorNote error={shownError} />
      <p className="text-xs text-zinc-600 dark:text-zinc-400">
        {data &&
          `${fmtInt(total)} denied in the last ${span}${data.truncated ? " (newest rows only)" : ""}.`}
      </p>
      <DeniedTable
        rows={rows}
        empty={data ? `No denied requests in the last ${span}.` : "Loading…"}
      />
    </section>
  );
}

function DeniedTable(props: { rows: DeniedRow[]; empty: string }) {
  return (
    <DataTable
      label="Denied requests"
      scrollLabel="Denied requests per minute"
      rows={props.rows}
      rowKey={(r) => `${r.minute}\t${r.user}\t${r.action}`}
      columns={COLUMNS}
      filter={FILTER}
      initialSort={{ id: "minute", direction: "desc" }}
      empty={props.empty}
    />
  );
}
