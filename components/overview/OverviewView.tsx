"use client";

import type { InsightsResponse, OverviewResponse, QueueOverview } from "@/lib/metrics/types";
import { fmtBytes, fmtDuration, fmtInt } from "../format";
import { Ago } from "../time";
import { Badge, Card, ErrorNote } from "../ui";
import { useInsights, useOverview } from "./data";
import { HistoryCharts } from "./HistoryCharts";
import { Insights } from "./Insights";
import { NewSinceReview } from "./NewSinceReview";
import { TAB_LIMIT } from "../queues-nav";
import { AttentionList } from "./AttentionList";
import { QueueCard } from "./QueueCard";
import { QueueTable } from "./QueueTable";

/**
 * The overview: alerts, then the queues (a card each for a handful; beyond,
 * the queues that need attention and a sortable table of all), worker and
 * Redis status, history charts, DLQ metrics. `initial`: the server's read, so
 * that the first paint already shows what needs attention.
 */
export function OverviewView(props: { initial?: OverviewResponse }) {
  const { data, error } = useOverview(props.initial);
  const { data: insights } = useInsights();
  return (
    <div className="flex flex-col gap-6">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h1 className="text-xl font-semibold">Overview</h1>
        {data && <StatusLine overview={data} />}
      </div>
      <ErrorNote error={data ? null : error} />
      {data && data.alerts.length > 0 && (
        <section
          aria-labelledby="alerts-title"
          className="rounded-lg border border-red-300 bg-red-50 p-4 dark:border-red-800 dark:bg-red-950"
        >
          <h2 id="alerts-title" className="font-semibold text-red-900 dark:text-red-200">
            Alerts ({data.alerts.length})
          </h2>
          <ul className="mt-2 list-disc pl-5 text-sm text-red-900 dark:text-red-200">
            {data.alerts.map((a) => (
              <li key={`${a.queue}:${a.kind}`}>
                <span className="font-medium">{a.queue}</span>: {a.message}
              </li>
            ))}
          </ul>
        </section>
      )}
      {data && data.queues.length > TAB_LIMIT ? (
        <>
          <AttentionList queues={data.queues} insights={insights} />
          <QueueTable queues={data.queues} insights={insights} />
        </>
      ) : (
        <QueueCards queues={data?.queues ?? []} insights={insights} />
      )}
      {data && insights && <NewSinceReview insights={insights} />}
      <HistoryCharts />
      {data && <Insights insights={insights} queues={data.queues} />}
    </div>
  );
}

/** A card per queue: what a handful of queues show. */
function QueueCards(props: { queues: QueueOverview[]; insights: InsightsResponse | undefined }) {
  return (
    <section aria-label="Queues" className="grid grid-cols-1 gap-4 sm:grid-cols-2 xl:grid-cols-4">
      {props.queues.map((q) => {
        const since = props.insights?.queues.find((i) => i.queue === q.queue)?.sinceReview;
        return (
          <QueueCard
            key={q.queue}
            q={q}
            newSinceReview={since?.count ?? null}
            atLeast={since?.atLeast ?? false}
          />
        );
      })}
    </section>
  );
}

function StatusLine(props: { overview: OverviewResponse }) {
  const { worker, redis } = props.overview;
  return (
    <Card className="!p-2">
      <div className="flex flex-wrap items-center gap-3 text-sm">
        <span className="flex items-center gap-1">
          Worker service{" "}
          {worker.healthy ? (
            <Badge tone="green">{worker.instances} running</Badge>
          ) : (
            <Badge tone="red">not running</Badge>
          )}
          <span className="text-xs text-zinc-600 dark:text-zinc-400">
            {worker.lastBeatAgeSeconds === null
              ? "never seen"
              : `beat ${fmtDuration(worker.lastBeatAgeSeconds)} ago`}
          </span>
        </span>
        <span className="flex items-center gap-1">
          Redis <Badge tone="green">{redis.version}</Badge>
          <span className="text-xs text-zinc-600 dark:text-zinc-400">
            {fmtBytes(redis.usedMemory)}
            {redis.maxMemory > 0 ? ` of ${fmtBytes(redis.maxMemory)}` : ""} · up{" "}
            {fmtDuration(redis.uptimeSeconds)}
          </span>
        </span>
        <span className="text-xs text-zinc-600 dark:text-zinc-400">
          {fmtInt(props.overview.queues.reduce((a, q) => a + q.dlq, 0))} dead letters · as of{" "}
          <Ago at={props.overview.generatedAt} />
        </span>
      </div>
    </Card>
  );
}
