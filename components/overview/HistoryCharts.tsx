"use client";

import dynamic from "next/dynamic";
import { useSearchParams } from "next/navigation";
import { useState } from "react";
import type { HistoryPoint, HistoryWindow, QueuePoint } from "@/lib/metrics/types";
import { WINDOWS } from "@/lib/metrics/types";
import type { Series, TimeSeriesChartProps } from "../charts/TimeSeriesChart";
import { useDashboard } from "../DashboardProvider";
import { fmtBytes, fmtInt, fmtPercent } from "../format";
import { Card, ErrorNote, Segmented } from "../ui";
import { useMetrics } from "./data";
import { TAB_LIMIT } from "../queues-nav";
import { CHART_PARAM, drawn, OTHERS, parsePicked } from "./chart-queues";
import { ChartQueuePicker } from "./ChartQueuePicker";
import { colorAt, queueColor } from "./palette";

// recharts is loaded after the page's first paint, not in its first-load JavaScript.
const TimeSeriesChart = dynamic<TimeSeriesChartProps>(() => import("../charts/TimeSeriesChart"), {
  ssr: false,
  loading: () => <div className="h-[220px] animate-pulse rounded bg-zinc-100 dark:bg-zinc-800" />,
});

type Row = Record<string, number | null>;

function perQueue(
  points: HistoryPoint[],
  queues: string[],
  pick: (p: HistoryPoint, q: string) => number | null,
): Row[] {
  return points.map((p) => {
    const row: Row = { t: p.t };
    for (const q of queues) row[q] = pick(p, q);
    return row;
  });
}

interface ChartSpec {
  name: string;
  title: string;
  rows: Row[];
  series: Series[];
  format: (v: number) => string;
}

/** The "others" series: neutral, apart from every queue's colour. */
const OTHERS_COLOR = "#71717a";

/**
 * The queues picked for the charts: read from the URL (`?chart=a,b`) when the
 * page opens, and written back to it as they change, so that a link shares
 * them (replaceState: a pick is no navigation, and the boxes follow at once).
 */
function usePickedQueues(queues: string[]): [string[] | null, (p: string[] | null) => void] {
  const params = useSearchParams();
  const [picked, setLocal] = useState(() => parsePicked(params.get(CHART_PARAM), queues));
  const setPicked = (next: string[] | null) => {
    setLocal(next);
    const url = new URL(window.location.href);
    if (next) url.searchParams.set(CHART_PARAM, next.join(","));
    else url.searchParams.delete(CHART_PARAM);
    window.history.replaceState(window.history.state, "", url);
  };
  return [picked, setPicked];
}

const FAILURE_KINDS = ["failures", "dead-lettered"] as const;
type FailureKind = (typeof FAILURE_KINDS)[number];

/** The six charts of a window's points; per-queue charts draw what `chartQueues` chooses. */
function chartSpecs(
  points: HistoryPoint[],
  queues: string[],
  failures: FailureKind,
  picked: string[] | null,
): ChartSpec[] {
  const depth = (name: string, title: string, pick: (p: QueuePoint) => number | null) => {
    const all = perQueue(points, queues, (p, q) => (p.queues[q] ? pick(p.queues[q]) : null));
    const d = drawn(all, queues, TAB_LIMIT, picked);
    const reduced = d.queues !== queues;
    const series: Series[] = d.queues.map((q, i) => ({
      key: q,
      label: q,
      color: reduced ? colorAt(i) : queueColor(queues, q),
    }));
    if (d.others > 0) {
      series.push({ key: OTHERS, label: `others (${d.others})`, color: OTHERS_COLOR });
    }
    return { name, title, rows: d.rows, series, format: fmtInt };
  };
  return [
    depth("dlq", "DLQ depth", (q) => q.dlq),
    depth("work", "Work queue depth", (q) => q.work),
    depth("retry", "Scheduled retries", (q) => q.retry),
    {
      ...depth(
        "failures",
        failures === "failures" ? "Failures per minute" : "Dead-lettered per minute",
        (q) => (failures === "failures" ? q.failedPerMin : q.dlqInPerMin),
      ),
      format: (v) => v.toFixed(v < 10 ? 1 : 0),
    },
    {
      name: "hit-rate",
      title: "Cache hit rate",
      rows: points.map((p) => ({ t: p.t, redis: p.hitRate, cache: p.cacheHitRate })),
      series: [
        { key: "cache", label: "Redrive cache", color: "#059669" },
        { key: "redis", label: "Redis keyspace", color: "#2563eb" },
      ],
      format: (v) => fmtPercent(v, 0),
    },
    {
      name: "memory",
      title: "Redis memory",
      rows: points.map((p) => ({ t: p.t, used: p.usedMemory, max: p.maxMemory || null })),
      series: [
        { key: "used", label: "used", color: "#7c3aed" },
        { key: "max", label: "maxmemory", color: "#dc2626" },
      ],
      format: fmtBytes,
    },
  ];
}

/** The overview's charts over 1 h, 24 h or 7 d of sampled history. */
export function HistoryCharts() {
  const { queues } = useDashboard();
  const [range, setRange] = useState<HistoryWindow>("1h");
  const [failures, setFailures] = useState<FailureKind>("failures");
  const [picked, setPicked] = usePickedQueues(queues);
  const { data, error } = useMetrics(range);
  const points = data?.points ?? [];
  const charts = chartSpecs(points, queues, failures, picked);
  return (
    <section aria-labelledby="history-title" className="flex flex-col gap-3">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h2 id="history-title" className="text-lg font-semibold">
          History
        </h2>
        <div className="flex flex-wrap items-center gap-2">
          {queues.length > TAB_LIMIT && (
            <ChartQueuePicker queues={queues} picked={picked} onChange={setPicked} />
          )}
          <Segmented label="Chart window" options={WINDOWS} value={range} onChange={setRange} />
        </div>
      </div>
      <ErrorNote error={data ? null : error} />
      {data && points.length < 2 && (
        <p className="text-sm text-zinc-600 dark:text-zinc-400">
          The worker service samples the history every <code>METRICS_SAMPLE_SECONDS</code> (10 s by
          default); the charts fill in as samples arrive. Is <code>npm run worker</code> running?
        </p>
      )}
      <div className="grid grid-cols-1 gap-4 lg:grid-cols-2">
        {charts.map((c) => (
          <Card
            key={c.name}
            title={c.title}
            actions={
              c.name === "failures" && (
                <Segmented
                  label="Which failures"
                  options={FAILURE_KINDS}
                  value={failures}
                  onChange={setFailures}
                />
              )
            }
          >
            <TimeSeriesChart
              name={c.name}
              rows={c.rows}
              series={c.series}
              format={c.format}
              long={range !== "1h"}
            />
          </Card>
        ))}
      </div>
    </section>
  );
}
