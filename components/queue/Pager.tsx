"use client";

import { useState, type FormEvent } from "react";
import { fmtInt } from "../format";
import { Button } from "../ui";

/** "Showing X–Y of N" with previous / next page, and a jump to any index of a long list. */
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
        {total > pageSize && <GoTo total={total} busy={props.busy} onGo={props.onChange} />}
      </div>
    </nav>
  );
}

/** A page from index #N (0 is the newest), for a DLQ too long to page through. */
function GoTo(props: { total: number; busy?: boolean; onGo: (offset: number) => void }) {
  const [draft, setDraft] = useState("");
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const n = Number(draft);
    if (draft.trim() === "" || !Number.isInteger(n)) return;
    props.onGo(Math.min(Math.max(0, n), props.total - 1));
  };
  return (
    <form onSubmit={submit} className="flex gap-2">
      <input
        type="number"
        inputMode="numeric"
        min={0}
        max={props.total - 1}
        aria-label="Go to index"
        placeholder="#"
        value={draft}
        onChange={(e) => setDraft(e.target.value)}
        className="w-28 rounded-md border border-zinc-300 bg-white px-2 py-1 text-sm tabular-nums dark:border-zinc-700 dark:bg-zinc-900"
      />
      <Button type="submit" disabled={props.busy}>
        Go
      </Button>
    </form>
  );
}
