"use client";

import { useState } from "react";
import { fmtBytes, fmtInt, isoTime } from "../format";
import { useFmtTime } from "../time";
import { Button, EmptyRow, ErrorNote, table, TableScroll } from "../ui";
import { useAction, useQueue } from "./context";
import { retryAllNow, retryNow, RETRIES_PAGE_SIZE, useRetries } from "./data";
import { Pager } from "./Pager";
import { fmtRelative, plural, preview } from "./text";

/** Scheduled retries, soonest first; "retry now" moves them to the work queue at once. */
export function RetriesTab() {
  const fmtTime = useFmtTime();
  const { queue, isAdmin } = useQueue();
  const [offset, setOffset] = useState(0);
  const { data, error } = useRetries(queue, offset);
  const { busy, run } = useAction();
  const retries = data?.retries ?? [];
  const stale = !!data && data.offset !== offset;

  const retryOne = (identity: string, rank: number) =>
    void run(
      () => retryNow(queue, identity, rank),
      () => `Retry of ${identity} moved to the work queue.`,
      "That retry is no longer scheduled (it was promoted or moved); the list has been refreshed.",
    );
  const retryAll = () =>
    void run(
      () => retryAllNow(queue),
      (r) => `${plural(r.moved, "scheduled retry", "scheduled retries")} moved to the work queue.`,
    );

  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <p className="text-sm text-zinc-600 dark:text-zinc-400">
          {data ? `${plural(data.total, "retry", "retries")} scheduled, soonest first.` : " "}
        </p>
        {isAdmin && (
          <Button disabled={busy || !data || data.total === 0} onClick={retryAll}>
            Retry all now
          </Button>
        )}
      </div>
      {error && !data && <ErrorNote error={error} />}
      <TableScroll label="Scheduled retries, scrollable" className="bg-white dark:bg-zinc-900">
        <table
          aria-label={`Scheduled retries of ${queue}`}
          aria-busy={stale}
          className={`${table.table} ${stale ? "opacity-60" : ""}`}
        >
          <thead className={table.head}>
            <tr>
              <th scope="col" className={table.th}>
                Due
              </th>
              <th scope="col" className={`${table.th} text-right`}>
                Retries
              </th>
              <th scope="col" className={table.th}>
                Identity
              </th>
              <th scope="col" className={table.th}>
                Payload
              </th>
              {isAdmin && (
                <th scope="col" className={table.th}>
                  <span className="sr-only">Actions</span>
                </th>
              )}
            </tr>
          </thead>
          <tbody>
            {retries.length === 0 && (
              <EmptyRow columns={isAdmin ? 5 : 4}>
                {data ? "No retries scheduled." : "Loading…"}
              </EmptyRow>
            )}
            {retries.map((r) => (
              <tr key={`${r.rank}:${r.identity}`} className={`${table.row} [&>td]:align-middle`}>
                <td className={`${table.td} whitespace-nowrap`}>
                  <time dateTime={isoTime(r.due)} title={fmtTime(r.due)}>
                    {fmtRelative(r.due)}
                  </time>
                </td>
                <td className={`${table.td} text-right tabular-nums`}>{fmtInt(r.retryCount)}</td>
                <td
                  className={`${table.td} max-w-56 truncate font-mono text-xs`}
                  title={r.identity}
                >
                  {r.identity}
                </td>
                <td
                  className={`${table.td} max-w-96 truncate font-mono text-xs text-zinc-700 dark:text-zinc-300`}
                  title={`${fmtBytes(r.bytes)}`}
                >
                  {preview(r.raw, 120)}
                </td>
                {isAdmin && (
                  <td className={`${table.td} text-right`}>
                    <Button
                      className="whitespace-nowrap py-0.5"
                      aria-label={`Retry ${r.identity} now`}
                      disabled={busy}
                      onClick={() => retryOne(r.identity, r.rank)}
                    >
                      Retry now
                    </Button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
      {data && (
        <Pager
          offset={data.offset}
          count={retries.length}
          total={data.total}
          pageSize={RETRIES_PAGE_SIZE}
          noun="retries"
          busy={stale}
          onChange={setOffset}
        />
      )}
    </div>
  );
}
