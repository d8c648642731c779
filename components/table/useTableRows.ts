"use client";

import { useMemo, useState } from "react";
import type { Column, SortState, TableFilter } from "./types";

/** The most characters of a row's text the filter looks at: rows can carry whole entries. */
const FILTER_TEXT_CHARS = 4096;

function compare(a: number | string | null, b: number | string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  if (typeof a === "number" && typeof b === "number") return a - b;
  return String(a).localeCompare(String(b));
}

function sorted<T>(rows: readonly T[], column: Column<T> | undefined, sort: SortState | null) {
  const value = column?.sortValue;
  if (!value || !sort) return rows;
  const sign = sort.direction === "asc" ? 1 : -1;
  // Nulls stay last in both directions: "never seen" is not the oldest time.
  return [...rows].sort((x, y) => {
    const a = value(x);
    const b = value(y);
    if (a === null || b === null) return compare(a, b);
    return sign * compare(a, b);
  });
}

function filtered<T>(rows: readonly T[], filter: TableFilter<T> | undefined, query: string) {
  const needle = query.trim().toLowerCase();
  if (!filter || !needle) return rows;
  return rows.filter((r) =>
    filter.text(r).slice(0, FILTER_TEXT_CHARS).toLowerCase().includes(needle),
  );
}

/**
 * What a DataTable shows: its rows filtered by the text box, then sorted by the
 * chosen column, then the first `maxRows` of them (more on request). Filter
 * and sort are computed once per change of the rows, the query or the sort,
 * not per render, so that polling stays cheap; drawing at most `maxRows` rows
 * keeps a sort or a key press quick whatever the table holds.
 */
export function useTableRows<T>(
  rows: readonly T[],
  columns: readonly Column<T>[],
  filter: TableFilter<T> | undefined,
  initialSort: SortState | undefined,
  maxRows: number,
) {
  const [sort, setSort] = useState<SortState | null>(initialSort ?? null);
  const [query, setQuery] = useState("");
  const [limit, setLimit] = useState(maxRows);
  const column = columns.find((c) => c.id === sort?.id);
  const matched = useMemo(
    () => sorted(filtered(rows, filter, query), column, sort),
    [rows, filter, query, column, sort],
  );
  const shown = useMemo(
    () => (matched.length > limit ? matched.slice(0, limit) : matched),
    [matched, limit],
  );

  /** A header click: the other direction on the sorted column, else the column's first one. */
  const toggleSort = (c: Column<T>) =>
    setSort((s) =>
      s?.id === c.id
        ? { id: c.id, direction: s.direction === "asc" ? "desc" : "asc" }
        : { id: c.id, direction: c.sortDescFirst ? "desc" : "asc" },
    );

  return {
    shown,
    /** Rows that pass the filter, drawn or not. */
    matched: matched.length,
    sort,
    toggleSort,
    query,
    setQuery,
    showMore: () => setLimit((l) => l + maxRows),
  };
}
