"use client";

import Link from "next/link";
import type { Found } from "@/lib/http/types";
import { fmtBytes, fmtInt } from "../format";
import { useFmtTime } from "../time";
import { Badge, EmptyRow, table, TableScroll } from "../ui";
import { PLACE_LABEL, rowKey } from "./data";

const TONE = { work: "blue", processing: "amber", retry: "amber", dlq: "red" } as const;
const PREVIEW_CHARS = 160;

/** The matches: where each is now, how often it was tried, and its error or due time. */
export function FoundTable(props: { found: Found[]; empty: string }) {
  return (
    <TableScroll label="Matches">
      <table className={table.table}>
        <thead className={table.head}>
          <tr>
            <th className={table.th}>Queue</th>
            <th className={table.th}>Where</th>
            <th className={table.th}>Position</th>
            <th className={table.th}>Retries</th>
            <th className={table.th}>Details</th>
            <th className={table.th}>Message</th>
          </tr>
        </thead>
        <tbody>
          {props.found.map((f) => (
            <FoundRow key={rowKey(f)} found={f} />
          ))}
          {props.found.length === 0 && <EmptyRow columns={6}>{props.empty}</EmptyRow>}
        </tbody>
      </table>
    </TableScroll>
  );
}

function FoundRow({ found: f }: { found: Found }) {
  const view = f.dlq ?? f.entry;
  return (
    <tr className={table.row}>
      <td className={table.td}>
        <Link className="underline" href={`/queues/${encodeURIComponent(f.queue)}`}>
          {f.queue}
        </Link>
      </td>
      <td className={table.td}>
        <Badge tone={TONE[f.place]}>{PLACE_LABEL[f.place]}</Badge>
      </td>
      <td className={`${table.td} tabular-nums`}>
        <Position found={f} />
      </td>
      <td className={`${table.td} tabular-nums`}>{fmtInt(view?.retryCount)}</td>
      <td className={table.td}>
        <Details found={f} />
      </td>
      <td className={`${table.td} max-w-md break-all font-mono text-xs`}>
        {view &&
          (view.raw.length > PREVIEW_CHARS ? `${view.raw.slice(0, PREVIEW_CHARS)}…` : view.raw)}
        {view && <span className="ml-1 text-zinc-500">({fmtBytes(view.bytes)})</span>}
      </td>
    </tr>
  );
}

/** Where in its place: a link that opens a dead letter or the Retries tab; a list's index. */
function Position({ found: f }: { found: Found }) {
  const q = encodeURIComponent(f.queue);
  if (f.dlq) {
    const href = `/queues/${q}?message=${f.index}&identity=${encodeURIComponent(f.dlq.identity)}`;
    return (
      <Link className="underline" href={href}>
        Open dead letter {fmtInt(f.index)}
      </Link>
    );
  }
  if (f.place === "retry") {
    return (
      <Link className="underline" href={`/queues/${q}?tab=retries`}>
        Retry {fmtInt(f.index + 1)} in line
      </Link>
    );
  }
  return <>index {fmtInt(f.index)} (0 is the newest)</>;
}

function Details({ found: f }: { found: Found }) {
  const fmtTime = useFmtTime();
  if (f.dlq) {
    const error = [f.dlq.errorType, f.dlq.errorMessage].filter(Boolean).join(": ");
    return (
      <span>
        {error || "no error recorded"}
        {f.dlq.failedAt !== null && (
          <span className="block text-xs text-zinc-500">failed {fmtTime(f.dlq.failedAt)}</span>
        )}
      </span>
    );
  }
  if (f.place === "retry" && f.entry) return <span>due {fmtTime(f.entry.due)}</span>;
  return <span className="text-zinc-500">—</span>;
}
