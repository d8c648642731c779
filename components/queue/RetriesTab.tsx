"use client";

import { useCallback, useMemo, useState } from "react";
import type { ScheduledRetryView } from "@/lib/http/types";
import { DataTable, type Column } from "../table/DataTable";
import { fmtBytes, fmtInt, isoTime } from "../format";
import { useFmtTime } from "../time";
import { Button, ErrorNote } from "../ui";
import { useAction, useQueue } from "./context";
import { retryAllNow, retryNow, RETRIES_PAGE_SIZE, useRetries } from "./data";
import { Pager } from "./Pager";
import { fmtRelative, plural, preview } from "./text";

const NONE: ScheduledRetryView[] = [];

function columns(fmtTime: (t: number) => string): Column<ScheduledRetryView>[] {
  return [
    {
      id: "due",
      header: "Due",
      className: "whitespace-nowrap",
      cell: (r) => (
        <time dateTime={isoTime(r.due)} title={fmtTime(r.due)}>
          {fmtRelative(r.due)}
        </time>
      ),
    },
    { id: "retries", header: "Retries", align: "right", cell: (r) => fmtInt(r.retryCount) },
    {
      id: "identity",
      header: "Identity",
      className: "max-w-56 truncate font-mono text-xs",
      title: (r) => r.identity,
      cell: (r) => r.identity,
    },
    {
      id: "payload",
      header: "Payload",
      className: "max-w-96 truncate font-mono text-xs text-zinc-700 dark:text-zinc-300",
      title: (r) => fmtBytes(r.bytes),
      cell: (r) => preview(r.raw, 120),
    },
  ];
}

/** Scheduled retries, soonest first; "retry now" moves them to the work queue at once. */
export function RetriesTab() {
  const fmtTime = useFmtTime();
  const { queue, isAdmin } = useQueue();
  const [offset, setOffset] = useState(0);
  const { data, error } = useRetries(queue, offset);
  const { busy, run } = useAction();
  const retries = data?.retries ?? NONE;
  const stale = !!data && data.offset !== offset;
  const cols = useMemo(() => columns(fmtTime), [fmtTime]);

  const actions = useCallback(
    (r: ScheduledRetryView) => (
      <Button
        className="whitespace-nowrap py-0.5"
        aria-label={`Retry ${r.identity} now`}
        disabled={busy}
        onClick={() =>
          void run(
            () => retryNow(queue, r.identity, r.rank),
            () => `Retry of ${r.identity} moved to the work queue.`,
            "That retry is no longer scheduled (it was promoted or moved); the list has been refreshed.",
          )
        }
      >
        Retry now
      </Button>
    ),
    [busy, run, queue],
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
      <DataTable
        label={`Scheduled retries of ${queue}`}
        scrollLabel="Scheduled retries, scrollable"
        rows={retries}
        rowKey={(r) => `${r.rank}:${r.identity}`}
        columns={cols}
        empty={data ? "No retries scheduled." : "Loading…"}
        busy={stale}
        actions={isAdmin ? actions : undefined}
        middle
      />
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
