"use client";

import { useMemo } from "react";
import type { ErrorGroup } from "@/lib/http/types";
import type { InsightsResponse, QueueInsights, QueueOverview } from "@/lib/metrics/types";
import { DataTable, type Column } from "../table/DataTable";
import { fmtDuration, fmtInt } from "../format";
import { Ago } from "../time";
import { Card } from "../ui";

type TopError = ErrorGroup & { queue: string };

const TOP_COLUMNS: Column<TopError>[] = [
  { id: "queue", header: "Queue", sortValue: (g) => g.queue, cell: (g) => g.queue },
  {
    id: "error",
    header: "Error",
    phone: "full",
    className: "max-w-md",
    cell: (g) => (
      <>
        <span className="font-medium">{g.errorType}</span>{" "}
        <span className="break-words text-zinc-700 dark:text-zinc-300">{g.pattern}</span>
      </>
    ),
  },
  {
    id: "count",
    header: "Count",
    align: "right",
    sortValue: (g) => g.count,
    sortDescFirst: true,
    cell: (g) => fmtInt(g.count),
  },
  {
    id: "last",
    header: "Last seen",
    className: "whitespace-nowrap",
    sortValue: (g) => g.lastSeen,
    sortDescFirst: true,
    cell: (g) => <Ago at={g.lastSeen} />,
  },
];

interface PerQueue {
  queue: QueueOverview;
  insights: QueueInsights | undefined;
}

const QUEUE_COLUMNS: Column<PerQueue>[] = [
  { id: "queue", header: "Queue", cell: (r) => r.queue.queue },
  {
    id: "retries",
    header: "Avg retries",
    hint: "Average retry count of the newest 1 000 dead letters",
    align: "right",
    cell: (r) =>
      r.insights?.averageRetryCount == null ? "–" : r.insights.averageRetryCount.toFixed(1),
  },
  {
    id: "wait",
    header: "Wait to resolve",
    hint: "How long requeued or deleted messages had waited in the DLQ",
    align: "right",
    cell: ({ queue: q }) => (
      <>
        {fmtDuration(q.resolved.meanWaitSeconds)}
        {q.resolved.count > 0 && (
          <span className="block text-xs text-zinc-600 dark:text-zinc-400">
            over {fmtInt(q.resolved.count)}
          </span>
        )}
      </>
    ),
  },
];

/** The Python backend's other DLQ metrics: top error messages, average retry count, time to resolve. */
export function Insights(props: {
  insights: InsightsResponse | undefined;
  queues: QueueOverview[];
}) {
  const top = useMemo(
    () =>
      (props.insights?.queues ?? [])
        .flatMap((q) => q.topErrors.map((g) => ({ ...g, queue: q.queue })))
        .sort((a, b) => b.count - a.count)
        .slice(0, 8),
    [props.insights],
  );
  const perQueue = useMemo(
    () =>
      props.queues.map((queue) => ({
        queue,
        insights: props.insights?.queues.find((x) => x.queue === queue.queue),
      })),
    [props.queues, props.insights],
  );
  return (
    <div className="grid grid-cols-1 gap-4 lg:grid-cols-3">
      <Card title="Top error messages" className="lg:col-span-2">
        {top.length === 0 ? (
          <p className="text-sm text-zinc-600 dark:text-zinc-400">No dead letters.</p>
        ) : (
          <DataTable
            label="Top error messages"
            scrollLabel="Top error messages, scrollable"
            rows={top}
            rowKey={(g) => `${g.queue}:${g.id}`}
            columns={TOP_COLUMNS}
            empty="No dead letters."
            stackOnPhone
          />
        )}
        <p className="mt-2 text-xs text-zinc-600 dark:text-zinc-400">
          From the newest 1 000 entries of each DLQ
          {props.insights && (
            <>
              , computed <Ago at={props.insights.computedAt} /> (shared by every open dashboard)
            </>
          )}
          .
        </p>
      </Card>
      <Card title="Per queue">
        <DataTable
          label="DLQ metrics per queue"
          scrollLabel="DLQ metrics per queue, scrollable"
          rows={perQueue}
          rowKey={(r) => r.queue.queue}
          columns={QUEUE_COLUMNS}
          empty="No queues."
        />
      </Card>
    </div>
  );
}
