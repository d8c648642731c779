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

export default function TimeSeriesChart(props: TimeSeriesChartProps) {
  const ref = useRef<HTMLDivElement>(null);
  useReadyMark(ref, props.rows.length);
  // A short history (the first minutes) needs seconds, or neighbouring ticks read the same.
  const first = props.rows[0]?.t ?? 0;
  const last = props.rows[props.rows.length - 1]?.t ?? 0;
  const seconds = !props.long && (last ?? 0) - (first ?? 0) < 600;
  const pad = (n: number) => String(n).padStart(2, "0");
  const tick = (t: number) => {
    const d = new Date(t * 1000);
    if (props.long) return `${d.getMonth() + 1}/${d.getDate()} ${pad(d.getHours())}h`;
    const hm = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
    return seconds ? `${hm}:${pad(d.getSeconds())}` : hm;
  };
  return (
    <div ref={ref} data-chart={props.name} style={{ height: props.height ?? 220 }}>
      <ResponsiveContainer width="100%" height="100%">
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
            labelFormatter={(t) => new Date(Number(t) * 1000).toLocaleString()}
            formatter={(v) => (typeof v === "number" ? props.format(v) : String(v))}
            contentStyle={{ fontSize: 12, color: "#18181b" }}
          />
          <Legend wrapperStyle={{ fontSize: 12 }} />
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
