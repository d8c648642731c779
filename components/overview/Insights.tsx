"use client";

import type { InsightsResponse, QueueOverview } from "@/lib/metrics/types";
import { fmtDuration, fmtInt } from "../format";
import { Ago } from "../time";
import { Card, table, TableScroll } from "../ui";

/** The Python backend's other DLQ metrics: top error messages, average retry count, time to resolve. */
export function Insights(props: {
  insights: InsightsResponse | undefined;
  queues: QueueOverview[];
}) {
  const top = (props.insights?.queues ?? [])
    .flatMap((q) => q.topErrors.map((g) => ({ ...g, queue: q.queue })))
    .sort((a, b) => b.count - a.count)
    .slice(0, 8);
  return (
    <div className="grid grid-cols-1 gap-4 lg:grid-cols-3">
      <Card title="Top error messages" className="lg:col-span-2">
        {top.length === 0 ? (
          <p className="text-sm text-zinc-600 dark:text-zinc-400">No dead letters.</p>
        ) : (
          <TableScroll label="Top error messages, scrollable">
            <table className={table.table} aria-label="Top error messages">
              <thead className={table.head}>
                <tr>
                  <th className={table.th}>Queue</th>
                  <th className={table.th}>Error</th>
                  <th className={`${table.th} text-right`}>Count</th>
                  <th className={table.th}>Last seen</th>
                </tr>
              </thead>
              <tbody>
                {top.map((g) => (
                  <tr key={`${g.queue}:${g.id}`} className={table.row}>
                    <td className={table.td}>{g.queue}</td>
                    <td className={`${table.td} max-w-md`}>
                      <span className="font-medium">{g.errorType}</span>{" "}
                      <span className="break-words text-zinc-700 dark:text-zinc-300">
                        {g.pattern}
                      </span>
                    </td>
                    <td className={`${table.td} text-right tabular-nums`}>{fmtInt(g.count)}</td>
                    <td className={`${table.td} whitespace-nowrap`}>
                      <Ago at={g.lastSeen} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        )}
        <p className="mt-2 text-xs text-zinc-600 dark:text-zinc-400">
          From the newest 1 000 entries of each DLQ.
        </p>
      </Card>
      <Card title="Per queue">
        <TableScroll label="DLQ metrics per queue, scrollable">
          <table className={table.table} aria-label="DLQ metrics per queue">
            <thead className={table.head}>
              <tr>
                <th className={table.th}>Queue</th>
                <th
                  className={`${table.th} text-right`}
                  title="Average retry count of the newest 1 000 dead letters"
                >
                  Avg retries
                </th>
                <th
                  className={`${table.th} text-right`}
                  title="How long requeued or deleted messages had waited in the DLQ"
                >
                  Wait to resolve
                </th>
              </tr>
            </thead>
            <tbody>
              {props.queues.map((q) => {
                const i = props.insights?.queues.find((x) => x.queue === q.queue);
                return (
                  <tr key={q.queue} className={table.row}>
                    <td className={table.td}>{q.queue}</td>
                    <td className={`${table.td} text-right tabular-nums`}>
                      {i?.averageRetryCount == null ? "–" : i.averageRetryCount.toFixed(1)}
                    </td>
                    <td className={`${table.td} text-right tabular-nums`}>
                      {fmtDuration(q.resolved.meanWaitSeconds)}
                      {q.resolved.count > 0 && (
                        <span className="block text-xs text-zinc-600 dark:text-zinc-400">
                          over {fmtInt(q.resolved.count)}
                        </span>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </TableScroll>
      </Card>
    </div>
  );
}
