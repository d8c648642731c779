"use client";

import { useEffect, useRef } from "react";
import { table } from "../ui";
import { stacked } from "./classes";
import type { Column, Selection, SortState } from "./types";

/** A header cell; a sortable one is a button that says where it sorts. */
function HeaderCell<T>(props: {
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
function HeaderCheckbox(props: {
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

/** The header row: the select-all box, each column's header, the actions column's name. */
export function Head<T>(props: {
  columns: readonly Column<T>[];
  keys: readonly string[];
  selection?: Selection<T>;
  actions: boolean;
  sort: SortState | null;
  onSort: (c: Column<T>) => void;
  sticky?: boolean;
  stack: boolean;
}) {
  const { selection, keys } = props;
  const chosen = selection ? keys.filter((k) => selection.selected.has(k)).length : 0;
  const all = keys.length > 0 && chosen === keys.length;
  return (
    <thead
      className={`${table.head} ${props.sticky ? "sticky top-0" : ""} ${props.stack ? stacked.head : ""}`}
    >
      <tr>
        {selection && (
          <th scope="col" className={`${table.th} w-8`}>
            <HeaderCheckbox
              checked={all}
              indeterminate={chosen > 0 && !all}
              disabled={keys.length === 0}
              onChange={selection.onToggleAll}
            />
          </th>
        )}
        {props.columns.map((c) => (
          <HeaderCell key={c.id} column={c} sort={props.sort} onSort={props.onSort} />
        ))}
        {props.actions && (
          <th scope="col" className={table.th}>
            <span className="sr-only">Actions</span>
          </th>
        )}
      </tr>
    </thead>
  );
}
