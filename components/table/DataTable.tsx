"use client";

import { memo, useCallback, useLayoutEffect, useRef, type MouseEvent, type ReactNode } from "react";
import { EmptyRow, table, TableScroll } from "../ui";
import { cellClass, HeaderCell, HeaderCheckbox, stacked } from "./cells";
import type { Column, Selection, SortState, TableFilter } from "./types";
import { useRowFocus } from "./useRowFocus";
import { useTableRows } from "./useTableRows";

export type { Column, Selection, TableFilter } from "./types";

export interface DataTableProps<T> {
  /** The table's accessible name. */
  label: string;
  /** The scrolling region's name (defaults to the label). */
  scrollLabel?: string;
  rows: readonly T[];
  rowKey: (row: T, index: number) => string;
  /** Pass a stable array (a module constant or useMemo): rows re-render only when it changes. */
  columns: readonly Column<T>[];
  /** What an empty table says (also "Loading…" before the first answer). */
  empty: ReactNode;
  /** The rows are the previous answer's while the next one loads. */
  busy?: boolean;
  selection?: Selection<T>;
  /** Opening a row: a click on it (not on a control, not a text selection) or Enter. */
  onOpen?: (row: T) => void;
  /** The buttons at the end of each row; stable, like `columns`. */
  actions?: (row: T) => ReactNode;
  /** Stable, like `columns`. */
  filter?: TableFilter<T>;
  initialSort?: SortState;
  /** Rows become stacked cards below the `sm` breakpoint. */
  stackOnPhone?: boolean;
  /** Cells centred in their row (one-line rows with buttons) rather than at its top. */
  middle?: boolean;
  /** The header stays in view when the table scrolls inside a fixed height. */
  stickyHeader?: boolean;
  /** A second section after the rows, under its own heading, neither sorted nor filtered. */
  trailing?: { heading: string; rows: readonly T[] };
  className?: string;
}

/**
 * The one table of the dashboard: sortable headers, a filter box, an empty
 * state, checkboxes, a row action, rows reachable by keyboard, and stacked
 * rows on phones. Every cell is plain text or controls: DLQ entries are never
 * trusted markup.
 */
export function DataTable<T>(props: DataTableProps<T>) {
  const { columns, selection, stackOnPhone: stack = false } = props;
  const view = useTableRows(props.rows, columns, props.filter, props.initialSort);
  const keys = view.shown.map((r, i) => props.rowKey(r, i));
  const handlers = useStableHandlers(props, view.shown, keys);
  const focus = useRowFocus(view.shown.length, handlers);
  const interactive = !!(props.onOpen || selection);
  const width = columns.length + (selection ? 1 : 0) + (props.actions ? 1 : 0);
  const chosen = selection ? keys.filter((k) => selection.selected.has(k)).length : 0;
  const all = keys.length > 0 && chosen === keys.length;

  return (
    <div className="space-y-2">
      {props.filter && (
        <FilterBox filter={props.filter} query={view.query} onChange={view.setQuery}>
          {view.query.trim() && `${view.shown.length} of ${props.rows.length} shown`}
        </FilterBox>
      )}
      <TableScroll
        label={props.scrollLabel ?? props.label}
        className={`bg-white dark:bg-zinc-900 ${props.className ?? ""}`}
      >
        <table
          aria-label={props.label}
          aria-busy={props.busy || undefined}
          className={`${table.table} transition-opacity ${props.busy ? "opacity-60" : ""} ${stack ? stacked.table : ""}`}
        >
          <thead
            className={`${table.head} ${props.stickyHeader ? "sticky top-0" : ""} ${stack ? stacked.head : ""}`}
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
              {columns.map((c) => (
                <HeaderCell key={c.id} column={c} sort={view.sort} onSort={view.toggleSort} />
              ))}
              {props.actions && (
                <th scope="col" className={table.th}>
                  <span className="sr-only">Actions</span>
                </th>
              )}
            </tr>
          </thead>
          <tbody
            onKeyDown={interactive ? focus.onKeyDown : undefined}
            className={stack ? stacked.body : ""}
          >
            {view.shown.length === 0 && (
              <EmptyRow columns={width}>
                {props.rows.length > 0 ? "Nothing here matches the filter." : props.empty}
              </EmptyRow>
            )}
            {view.shown.map((row, i) => (
              <Row
                key={keys[i]}
                row={row}
                index={i}
                rowKey={keys[i]!}
                columns={columns}
                checkbox={selection?.label(row)}
                onToggle={handlers.toggleKey}
                selected={selection?.selected.has(keys[i]!) ?? false}
                tabIndex={interactive ? focus.tabIndex(i) : undefined}
                onFocus={interactive ? focus.onFocus : undefined}
                onClick={props.onOpen ? handlers.click : undefined}
                actions={props.actions}
                stack={stack}
                middle={props.middle ?? false}
              />
            ))}
          </tbody>
          {props.trailing && <Trailing {...props} trailing={props.trailing} width={width} />}
        </table>
      </TableScroll>
    </div>
  );
}

/**
 * Callbacks that keep their identity across renders (they read the latest
 * props through a ref), so that memoised rows do not re-render on every poll.
 */
function useStableHandlers<T>(props: DataTableProps<T>, shown: readonly T[], keys: string[]) {
  const latest = useRef({ props, shown, keys });
  useLayoutEffect(() => {
    latest.current = { props, shown, keys };
  });
  const open = useCallback((i: number) => {
    const { props: p, shown: rows } = latest.current;
    const row = rows[i];
    if (row !== undefined) p.onOpen?.(row);
  }, []);
  const toggle = useCallback((i: number) => {
    const { props: p, shown: rows, keys: k } = latest.current;
    const row = rows[i];
    if (row !== undefined) p.selection?.onToggle(k[i]!, row);
  }, []);
  const toggleKey = useCallback(
    (key: string) => toggle(latest.current.keys.indexOf(key)),
    [toggle],
  );
  // A click on a control, or one that ends a text selection, does not open the row.
  const click = useCallback(
    (e: MouseEvent, i: number) => {
      if ((e.target as HTMLElement).closest("button, input, label, a, select")) return;
      if (window.getSelection()?.toString()) return;
      open(i);
    },
    [open],
  );
  return { open, toggle, toggleKey, click };
}

interface RowProps<T> {
  row: T;
  index: number;
  rowKey: string;
  columns: readonly Column<T>[];
  /** The checkbox's accessible name; no checkbox without one. */
  checkbox?: string;
  onToggle?: (key: string) => void;
  selected: boolean;
  tabIndex?: number;
  onFocus?: (i: number) => void;
  onClick?: (e: MouseEvent, i: number) => void;
  actions?: (row: T) => ReactNode;
  stack: boolean;
  middle: boolean;
}

function rowClass<T>(p: RowProps<T>): string {
  return [
    table.row,
    p.onClick && "cursor-pointer hover:bg-zinc-50 dark:hover:bg-zinc-800/60",
    p.tabIndex !== undefined &&
      "focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-blue-600",
    p.selected && "bg-blue-50 dark:bg-blue-950/40",
    p.middle && "[&>*]:align-middle",
    p.stack && stacked.row,
  ]
    .filter(Boolean)
    .join(" ");
}

const Row = memo(function Row<T>(p: RowProps<T>) {
  const focusable = p.tabIndex !== undefined;
  return (
    <tr
      data-row={focusable ? p.index : undefined}
      tabIndex={p.tabIndex}
      onFocus={focusable ? (e) => e.target === e.currentTarget && p.onFocus?.(p.index) : undefined}
      onClick={p.onClick ? (e) => p.onClick!(e, p.index) : undefined}
      className={rowClass(p)}
    >
      {p.checkbox !== undefined && (
        <td className={`${table.td} ${p.stack ? `${stacked.cell} ${stacked.select}` : ""}`}>
          <input
            type="checkbox"
            aria-label={p.checkbox}
            checked={p.selected}
            onChange={() => p.onToggle?.(p.rowKey)}
            className="size-4 accent-blue-700"
          />
        </td>
      )}
      <Cells row={p.row} columns={p.columns} stack={p.stack} />
      {p.actions && (
        <td
          className={`${table.td} whitespace-nowrap text-right ${p.stack ? `${stacked.cell} ${stacked.actions}` : ""}`}
        >
          <div className="flex justify-end gap-2">{p.actions(p.row)}</div>
        </td>
      )}
    </tr>
  );
}) as <T>(p: RowProps<T>) => ReactNode;

function Cells<T>(props: { row: T; columns: readonly Column<T>[]; stack: boolean }) {
  return props.columns.map((c) => {
    const Tag = c.rowHeader ? "th" : "td";
    const label = props.stack && (c.phone ?? "meta") === "meta" && c.phoneLabel !== false;
    return (
      <Tag
        key={c.id}
        scope={c.rowHeader ? "row" : undefined}
        className={`${cellClass(c, props.stack)} ${c.rowHeader ? "text-left font-normal" : ""}`}
        title={c.title?.(props.row)}
      >
        {label && (
          <span aria-hidden="true" className={stacked.label}>
            {c.header}
          </span>
        )}
        {c.cell(props.row)}
      </Tag>
    );
  });
}

function Trailing<T>(
  props: DataTableProps<T> & { trailing: { heading: string; rows: readonly T[] }; width: number },
) {
  return (
    <tbody className="border-t-2 border-zinc-300 dark:border-zinc-700">
      <tr>
        <th
          scope="colgroup"
          colSpan={props.width}
          className="bg-zinc-50 px-3 py-1.5 text-left text-xs font-medium text-zinc-600 dark:bg-zinc-900 dark:text-zinc-400"
        >
          {props.trailing.heading}
        </th>
      </tr>
      {props.trailing.rows.map((row, i) => (
        <Row
          key={props.rowKey(row, i)}
          row={row}
          index={i}
          rowKey={props.rowKey(row, i)}
          columns={props.columns}
          selected={false}
          actions={props.actions}
          stack={props.stackOnPhone ?? false}
          middle={props.middle ?? false}
        />
      ))}
    </tbody>
  );
}

/** The client-side filter of a table's rows. */
function FilterBox<T>(props: {
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
