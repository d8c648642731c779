"use client";

import { fmtInt } from "../format";
import { Button } from "../ui";

/** "Showing X–Y of N" with previous / next page. */
export function Pager(props: {
  offset: number;
  count: number;
  total: number;
  pageSize: number;
  noun: string;
  /** While the next page loads: a second click would compute from the old offset. */
  busy?: boolean;
  onChange: (offset: number) => void;
}) {
  const { offset, count, total, pageSize } = props;
  return (
    <nav
      aria-label={`${props.noun} pages`}
      className="flex flex-wrap items-center justify-between gap-2 text-sm text-zinc-600 dark:text-zinc-400"
    >
      <p aria-live="polite" className="tabular-nums">
        {count > 0
          ? `Showing ${fmtInt(offset + 1)}–${fmtInt(offset + count)} of ${fmtInt(total)}`
          : `No ${props.noun} on this page (${fmtInt(total)} in all)`}
      </p>
      <div className="flex gap-2">
        {offset > 0 && count === 0 && <Button onClick={() => props.onChange(0)}>First page</Button>}
        <Button
          disabled={props.busy || offset === 0}
          onClick={() => props.onChange(Math.max(0, offset - pageSize))}
        >
          Previous page
        </Button>
        <Button
          disabled={props.busy || offset + pageSize >= total}
          onClick={() => props.onChange(offset + pageSize)}
        >
          Next page
        </Button>
      </div>
    </nav>
  );
}
