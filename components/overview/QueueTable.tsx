"use client";

import Link from "next/link";
import type { InsightsResponse, QueueOverview } from "@/lib/metrics/types";
import { Sparkline } from "../charts/Sparkline";
import { fmtDuration, fmtInt } from "../format";
import { DataTable, type Column, type TableFilter } from "../table/DataTable";
import { Ago } from "../time";
import { Badge } from "../ui";
import { signed } from "./numbers";

/**
 * Every queue in one sortable, filterable table: what the cards show for a
 * handful of queues, in rows that a hundred queues fit in.
 */
export interface QueueRow {
  q: QueueOverview;
  /** Failed since the last review (null: never reviewed, or not read yet). */
  newSinceReview: number | null;
}

const COLUMNS: Column<QueueRow>[] = [
  {
    id: "queue",
    header: "Queue",
    rowHeader: true,
    phone: "title",
    sortValue: (r) => r.q.queue,
    cell: (r) => (
      <span className="flex items-center gap-2">
        <Link
          href={`/queues/${encodeURIComponent(r.q.queue)}`}
          className="font-medium hover:underline"
        >
          {r.q.queue}
        </Link>
        {r.q.alerts.length > 0 && <Badge tone="red">alert</Badge>}
      </span>
    ),
  },
  count("dlq", "DLQ", (q) => q.dlq),
  {
    id: "growth",
    header: "Growth / h",
    hint: "DLQ growth over the last hour",
    align: "right",
    sortValue: (r) => r.q.dlqGrowthPerHour,
    sortDescFirst: true,
    cell: (r) => (r.q.dlqGrowthPerHour === null ? "–" : signed(r.q.dlqGrowthPerHour)),
  },
  {
    id: "oldest",
    header: "Oldest",
    hint: "Age of the oldest dead letter",
    align: "right",
    sortValue: (r) => r.q.oldestDlqAgeSeconds,
    sortDescFirst: true,
    cell: (r) => fmtDuration(r.q.oldestDlqAgeSeconds),
  },
  count("retry", "Retry", (q) => q.retry),
  count("work", "Work", (q) => q.work),
  count("processing", "Processing", (q) => q.processing),
  {
    id: "review",
    header: "Last review",
    className: "whitespace-nowrap",
    sortValue: (r) => r.q.review?.at ?? null,
    cell: (r) =>
      r.q.review ? (
        <>
          <Ago at={r.q.review.at} />
          {r.newSinceReview !== null && r.newSinceReview > 0 && (
            <span className="block text-xs text-zinc-600 dark:text-zinc-400">
              {fmtInt(r.newSinceReview)} new since
            </span>
          )}
        </>
      ) : (
        "never"
      ),
  },
  {
    id: "trend",
    header: "Last hour",
    phone: "hidden",
    cell: (r) => (
      <Sparkline
        values={r.q.trend}
        label={`DLQ size of ${r.q.queue} over the last hour`}
        className={
          r.q.alerts.length > 0
            ? "text-red-600 dark:text-red-400"
            : "text-blue-600 dark:text-blue-400"
        }
      />
    ),
  },
];

function count(id: string, header: string, value: (q: QueueOverview) => number): Column<QueueRow> {
  return {
    id,
    header,
    align: "right",
    sortValue: (r) => value(r.q),
    sortDescFirst: true,
    cell: (r) => fmtInt(value(r.q)),
  };
}

const FILTER: TableFilter<QueueRow> = {
  label: "Filter queues",
  placeholder: "Filter queues by name",
  text: (r) => r.q.queue,
};

export function QueueTable(props: {
  queues: QueueOverview[];
  insights: InsightsResponse | undefined;
}) {
  const since = new Map(props.insights?.queues.map((i) => [i.queue, i.sinceReview]) ?? []);
  const rows = props.queues.map((q) => ({ q, newSinceReview: since.get(q.queue)?.count ?? null }));
  return (
    <section aria-labelledby="queues-title" className="flex flex-col gap-2">
      <h2 id="queues-title" className="text-lg font-semibold">
        Queues ({fmtInt(props.queues.length)})
      </h2>
      <DataTable
        label="Queues"
        rows={rows}
        rowKey={(r) => r.q.queue}
        columns={COLUMNS}
        filter={FILTER}
        initialSort={{ id: "dlq", direction: "desc" }}
        empty="Loading…"
        stackOnPhone
        middle
      />
    </section>
  );
}
