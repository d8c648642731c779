"use client";

import { useState } from "react";
import type { DeniedRow } from "@/lib/http/types";
import { ApiError } from "../api";
import { fmtInt } from "../format";
import { Time } from "../time";
import { EmptyRow, ErrorNote, Segmented, table, TableScroll } from "../ui";
import { DENIED_MINUTES_MAX, useDeniedRequests } from "./data";

const WINDOWS = { "1 h": 60, "24 h": DENIED_MINUTES_MAX } as const;
type Window = keyof typeof WINDOWS;
const COLUMNS = ["Minute", "User", "Action", "Denied"];

/** Denied changes, counted per minute, user and action (they are not all in the log above). */
export function DeniedRequests() {
  const [span, setSpan] = useState<Window>("1 h");
  const { data, error } = useDeniedRequests(WINDOWS[span]);
  const shownError = error instanceof ApiError && error.isOutage ? null : error;
  const rows = data?.rows ?? [];
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
    <TableScroll label="Denied requests per minute">
      <table aria-label="Denied requests" className={table.table}>
        <thead className={table.head}>
          <tr>
            {COLUMNS.map((c) => (
              <th key={c} scope="col" className={`${table.th} whitespace-nowrap`}>
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.rows.map((r) => (
            <tr key={`${r.minute}\t${r.user}\t${r.action}`} className={table.row}>
              <td className={`${table.td} whitespace-nowrap tabular-nums`}>
                <Time at={r.minute} seconds={false} />
              </td>
              <td className={`${table.td} whitespace-nowrap font-medium`}>{r.user}</td>
              <td className={`${table.td} whitespace-nowrap`}>{r.action}</td>
              <td className={`${table.td} tabular-nums`}>{fmtInt(r.count)}</td>
            </tr>
          ))}
          {props.rows.length === 0 && <EmptyRow columns={COLUMNS.length}>{props.empty}</EmptyRow>}
        </tbody>
      </table>
    </TableScroll>
  );
}
