"use client";

import { Bar, BarChart, Cell, LabelList, XAxis, YAxis } from "recharts";
import type { NamespaceStats } from "@/lib/cache/types";
import { fmtBytes } from "../format";

/**
 * Estimated memory per namespace, Redrive's keys in grey. Loaded with
 * next/dynamic (recharts is large) and drawn without the accessibility layer:
 * the wrapper's label carries the same figures for screen readers, and the
 * table below has them all.
 */
export default function MemoryChart(props: {
  namespaces: NamespaceStats[];
  redriveKeys: NamespaceStats;
}) {
  // Other applications' keys have no measured memory (null) and no bar.
  const rows = [...props.namespaces, props.redriveKeys].flatMap((n) =>
    n.estimatedBytes === null
      ? []
      : [
          {
            name: n.label,
            bytes: n.estimatedBytes,
            redrive: n === props.redriveKeys,
          },
        ],
  );
  const summary = rows.map((r) => `${r.name} ${fmtBytes(r.bytes)}`).join(", ");
  return (
    <div
      role="img"
      aria-label={`Estimated memory by namespace: ${summary}`}
      className="text-zinc-600 dark:text-zinc-400"
    >
      <BarChart
        responsive
        accessibilityLayer={false}
        layout="vertical"
        data={rows}
        margin={{ top: 0, right: 64, bottom: 0, left: 0 }}
        style={{ width: "100%", height: rows.length * 30 + 8 }}
      >
        <XAxis type="number" hide />
        <YAxis
          type="category"
          dataKey="name"
          width={150}
          tickLine={false}
          axisLine={false}
          tick={{ fill: "currentColor", fontSize: 12 }}
        />
        <Bar dataKey="bytes" barSize={14} radius={3} isAnimationActive={false}>
          {rows.map((r) => (
            <Cell
              key={r.name}
              fill="currentColor"
              className={
                r.redrive ? "text-zinc-400 dark:text-zinc-500" : "text-blue-600 dark:text-blue-400"
              }
            />
          ))}
          <LabelList
            dataKey="bytes"
            position="right"
            formatter={(v: unknown) => fmtBytes(Number(v))}
            fill="currentColor"
            fontSize={12}
          />
        </Bar>
      </BarChart>
    </div>
  );
}
