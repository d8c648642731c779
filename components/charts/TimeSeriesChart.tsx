"use client";

import { useEffect, useRef } from "react";
import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { fmtTime, zoneName } from "../format";
import { useTimeZone } from "../time";

/**
 * One recharts line chart over time. Loaded with next/dynamic by the pages, so
 * recharts is not part of any page's first-load JavaScript.
 */
export interface Series {
  key: string;
  label: string;
  color: string;
}

export interface TimeSeriesChartProps {
  name: string;
  rows: Record<string, number | null>[];
  series: Series[];
  /** Formats axis ticks and tooltip values. */
  format: (v: number) => string;
  /** Whether the x axis shows dates (windows over a day) or times. */
  long: boolean;
  height?: number;
}

/** Height of the line under the chart that names the zone of its time axis. */
const CAPTION = 16;

export default function TimeSeriesChart(props: TimeSeriesChartProps) {
  const ref = useRef<HTMLDivElement>(null);
  const zone = useTimeZone();
  useReadyMark(ref, props.rows.length);
  // A short history (the first minutes) needs seconds, or neighbouring ticks read the same.
  const first = props.rows[0]?.t ?? 0;
  const last = props.rows[props.rows.length - 1]?.t ?? 0;
  const seconds = !props.long && (last ?? 0) - (first ?? 0) < 600;
  const pad = (n: number) => String(n).padStart(2, "0");
  const utc = zone === "utc";
  const tick = (t: number) => {
    const d = new Date(t * 1000);
    const [month, day, hours, minutes] = utc
      ? [d.getUTCMonth(), d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes()]
      : [d.getMonth(), d.getDate(), d.getHours(), d.getMinutes()];
    if (props.long) return `${month + 1}/${day} ${pad(hours)}h`;
    const hm = `${pad(hours)}:${pad(minutes)}`;
    return seconds ? `${hm}:${pad(utc ? d.getUTCSeconds() : d.getSeconds())}` : hm;
  };
  // The legend in the series' order (a chart of many queues: largest first, "others" last).
  const order = new Map(props.series.map((s, i) => [s.key, i]));
  // Ticks are too narrow for a zone each: the axis says it once.
  const axisZone = zoneName(new Date((last ?? 0) * 1000), zone);
  return (
    <div ref={ref} data-chart={props.name} style={{ height: props.height ?? 220 }}>
      <ResponsiveContainer width="100%" height={(props.height ?? 220) - CAPTION}>
        <LineChart data={props.rows} margin={{ top: 4, right: 8, bottom: 0, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="currentColor" strokeOpacity={0.15} />
          <XAxis
            dataKey="t"
            type="number"
            domain={["dataMin", "dataMax"]}
            tickFormatter={tick}
            tick={{ fontSize: 11, fill: "currentColor" }}
            stroke="currentColor"
            strokeOpacity={0.4}
            minTickGap={24}
          />
          <YAxis
            tickFormatter={props.format}
            tick={{ fontSize: 11, fill: "currentColor" }}
            stroke="currentColor"
            strokeOpacity={0.4}
            width={64}
          />
          <Tooltip
            labelFormatter={(t) => fmtTime(Number(t), zone)}
            formatter={(v) => (typeof v === "number" ? props.format(v) : String(v))}
            contentStyle={{ fontSize: 12, color: "#18181b" }}
          />
          <Legend
            wrapperStyle={{ fontSize: 12 }}
            itemSorter={(item) => order.get(item.dataKey as string) ?? 0}
          />
          {props.series.map((s) => (
            <Line
              key={s.key}
              dataKey={s.key}
              name={s.label}
              stroke={s.color}
              dot={false}
              strokeWidth={2}
              isAnimationActive={false}
              connectNulls
            />
          ))}
        </LineChart>
      </ResponsiveContainer>
      <p className="text-right text-[11px] leading-4 text-zinc-600 dark:text-zinc-400">
        Times in {axisZone}
      </p>
    </div>
  );
}

/**
 * Marks the container data-ready="true" once recharts has drawn its lines
 * (ResponsiveContainer draws after measuring, a frame or two after mount):
 * what browser tests and the UI benchmark wait for.
 */
function useReadyMark(ref: React.RefObject<HTMLDivElement | null>, rows: number) {
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    let frame = 0;
    const check = () => {
      const drawn = rows > 0 && el.querySelector(".recharts-line-curve, .recharts-line") !== null;
      if (drawn) el.dataset.ready = "true";
      else frame = requestAnimationFrame(check);
    };
    delete el.dataset.ready;
    check();
    return () => cancelAnimationFrame(frame);
  }, [ref, rows]);
}
