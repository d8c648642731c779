"use client";

import type { ReactNode } from "react";
import type { TableFilter } from "./types";

/** The client-side filter of a table's rows. */
export function FilterBox<T>(props: {
  filter: TableFilter<T>;
  query: string;
  onChange: (q: string) => void;
  children: ReactNode;
}) {
  return (
    <div className="flex flex-wrap items-center gap-3">
      <input
        type="search"
        aria-label={props.filter.label}
        placeholder={props.filter.placeholder ?? props.filter.label}
        maxLength={200}
        value={props.query}
        onChange={(e) => props.onChange(e.target.value)}
        className="w-full max-w-sm rounded-md border border-zinc-300 bg-white px-2.5 py-1.5 text-sm placeholder:text-zinc-500 focus-visible:outline-2 focus-visible:outline-blue-600 dark:border-zinc-700 dark:bg-zinc-900 dark:placeholder:text-zinc-400"
      />
      <span aria-live="polite" className="text-xs text-zinc-600 tabular-nums dark:text-zinc-400">
        {props.children}
      </span>
    </div>
  );
}
