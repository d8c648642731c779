"use client";

import { useEffect, useRef } from "react";
import { table } from "../ui";
import type { Column, SortState } from "./types";

/**
 * Class sets of a stacked table: below the `sm` breakpoint each row becomes a
 * card (a wrapping flex line), the header stays for screen readers only, and
 * each cell carries its column's name as a visible label.
 */
export const stacked = {
  table: "max-sm:block",
  head: "max-sm:sr-only",
  body: "max-sm:block",
  row: "max-sm:flex max-sm:flex-wrap max-sm:items-center max-sm:gap-x-3 max-sm:gap-y-1 max-sm:px-3 max-sm:py-2.5",
  // min-w-0: a flex item is otherwise as wide as its longest unbroken word.
  cell: "max-sm:p-0 max-sm:min-w-0",
  select: "max-sm:order-0",
  title: "max-sm:order-1 max-sm:font-medium",
  // Desktop truncation (truncate, max-w-*) gives way: the text wraps in full.
  full: "max-sm:order-3 max-sm:basis-full max-sm:max-w-none max-sm:overflow-visible max-sm:whitespace-normal max-sm:[overflow-wrap:anywhere]",
  meta: "max-sm:order-4",
  actions: "max-sm:order-5 max-sm:ml-auto",
  hidden: "max-sm:hidden",
  label: "mr-1 text-xs text-zinc-600 sm:hidden dark:text-zinc-400",
};

export function cellClass<T>(c: Column<T>, stack: boolean): string {
  const align = c.align === "right" ? "text-right tabular-nums" : "";
  const phone = stack ? `${stacked.cell} ${stacked[c.phone ?? "meta"]}` : "";
  return `${table.td} ${align} ${c.className ?? ""} ${phone}`;
}

/** A header cell; a sortable one is a button that says where it sorts. */
export function HeaderCell<T>(props: {
  column: Column<T>;
  sort: SortState | null;
  onSort: (c: Column<T>) => void;
}) {
  const c = props.column;
  const direction = props.sort?.id === c.id ? props.sort.direction : null;
  const className = `${table.th} whitespace-nowrap ${c.align === "right" ? "text-right" : ""}`;
  const label = c.srOnlyHeader ? <span className="sr-only">{c.header}</span> : c.header;
  if (!c.sortValue) {
    return (
      <th scope="col" className={className} title={c.hint}>
        {label}
      </th>
    );
  }
  return (
    <th
      scope="col"
      className={className}
      aria-sort={direction === "asc" ? "ascending" : direction === "desc" ? "descending" : "none"}
    >
      <button
        type="button"
        title={c.hint}
        onClick={() => props.onSort(c)}
        className="inline-flex items-center gap-1 uppercase hover:text-zinc-900 focus-visible:outline-2 focus-visible:outline-blue-600 dark:hover:text-zinc-100"
      >
        {label}
        <span aria-hidden="true" className="w-3">
          {direction === "asc" ? "▲" : direction === "desc" ? "▼" : ""}
        </span>
      </button>
    </th>
  );
}

/** "Select all shown", with the mixed state when some rows are chosen. */
export function HeaderCheckbox(props: {
  checked: boolean;
  indeterminate: boolean;
  disabled: boolean;
  onChange: (on: boolean) => void;
}) {
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (ref.current) ref.current.indeterminate = props.indeterminate;
  }, [props.indeterminate]);
  return (
    <input
      ref={ref}
      type="checkbox"
      aria-label="Select all on this page"
      checked={props.checked}
      disabled={props.disabled}
      onChange={(e) => props.onChange(e.target.checked)}
      className="size-4 accent-blue-700"
    />
  );
}
