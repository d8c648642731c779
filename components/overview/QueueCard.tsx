"use client";

import Link from "next/link";
import type { QueueOverview } from "@/lib/metrics/types";
import { Sparkline } from "../charts/Sparkline";
import { fmtDuration, fmtInt } from "../format";
import { Ago } from "../time";
import { Badge } from "../ui";
import { signed } from "./numbers";

/** A queue at a glance: its counts, DLQ trend, alerts and the last review. */
export function QueueCard(props: {
  q: QueueOverview;
  newSinceReview: number | null;
  atLeast: boolean;
}) {
  const { q } = props;
  const alert = q.alerts.length > 0;
  return (
    <article
      data-queue-card={q.queue}
      data-alert={alert ? "true" : "false"}
      aria-label={`Queue ${q.queue}${alert ? " (alert)" : ""}`}
      className={`flex flex-col gap-3 rounded-lg border bg-white p-4 shadow-sm dark:bg-zinc-900 ${
        alert
          ? "border-red-500 ring-1 ring-red-500 dark:border-red-500"
          : "border-zinc-200 dark:border-zinc-800"
      }`}
    >
      <div className="flex items-center justify-between gap-2">
        <h3 className="font-semibold">
          <Link href={`/queues/${encodeURIComponent(q.queue)}`} className="hover:underline">
            {q.queue}
          </Link>
        </h3>
        {alert ? <Badge tone="red">alert</Badge> : <Badge tone="green">ok</Badge>}
      </div>
      <div className="flex items-end justify-between gap-2">
        <div>
          <div className="text-xs text-zinc-600 dark:text-zinc-400">Dead letters</div>
          <div
            className={`text-2xl font-semibold tabular-nums ${alert ? "text-red-700 dark:text-red-400" : ""}`}
          >
            {fmtInt(q.dlq)}
          </div>
        </div>
        <Sparkline
          values={q.trend}
          label={`DLQ size of ${q.queue} over the last hour`}
          className={alert ? "text-red-600 dark:text-red-400" : "text-blue-600 dark:text-blue-400"}
        />
      </div>
      <dl className="grid grid-cols-3 gap-2 text-sm">
        <Count label="Work" value={fmtInt(q.work)} />
        <Count label="Processing" value={fmtInt(q.processing)} />
        <Count label="Retry" value={fmtInt(q.retry)} />
        <Count label="Oldest DLQ" value={fmtDuration(q.oldestDlqAgeSeconds)} />
        <Count
          label="DLQ / hour"
          value={q.dlqGrowthPerHour === null ? "–" : signed(q.dlqGrowthPerHour)}
        />
        <Count label="Resolved wait" value={fmtDuration(q.resolved.meanWaitSeconds)} />
      </dl>
      {q.alerts.length > 0 && (
        <ul className="list-disc pl-5 text-xs text-red-800 dark:text-red-300">
          {q.alerts.map((a) => (
            <li key={a.kind}>{a.message}</li>
          ))}
        </ul>
      )}
      <p className="text-xs text-zinc-600 dark:text-zinc-400">
        {q.review ? (
          <>
            Reviewed <Ago at={q.review.at} /> by {q.review.by}
            {props.newSinceReview === null
              ? ""
              : ` · ${fmtInt(props.newSinceReview)}${props.atLeast ? "+" : ""} new since`}
          </>
        ) : (
          "Never reviewed"
        )}
      </p>
    </article>
  );
}

function Count(props: { label: string; value: string }) {
  return (
    <div>
      <dt className="text-xs text-zinc-600 dark:text-zinc-400">{props.label}</dt>
      <dd className="tabular-nums">{props.value}</dd>
    </div>
  );
}
