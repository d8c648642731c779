"use client";

import { useId } from "react";

/** Narrows the loaded page; the API has no search, so it says so in the label's hint. */
export function AuditFilter(props: { value: string; onChange: (v: string) => void }) {
  const id = useId();
  const hintId = useId();
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={id} className="text-xs font-medium text-zinc-700 dark:text-zinc-300">
        Filter this page
      </label>
      <input
        id={id}
        type="search"
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
        aria-describedby={hintId}
        placeholder="user, action, queue or result"
        className="w-72 max-w-full rounded-md border border-zinc-300 bg-white px-2.5 py-1.5 text-sm placeholder:text-zinc-500 focus-visible:outline-2 focus-visible:outline-blue-600 dark:border-zinc-700 dark:bg-zinc-900 dark:placeholder:text-zinc-400"
      />
      <span id={hintId} className="sr-only">
        Filters only the entries loaded on this page
      </span>
    </div>
  );
}
