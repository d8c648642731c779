"use client";

import type { ReactNode } from "react";
import { fmtInt } from "../format";
import { Button, EmptyRow, table, TableScroll } from "../ui";
import { stacked } from "./classes";
import { FilterBox } from "./FilterBox";
import { Head } from "./Header";
import { Row, Trailing } from "./Row";
import type { Column, Selection, SortState, TableFilter } from "./types";
import { useRowFocus } from "./useRowFocus";
import { useStableHandlers } from "./useStableHandlers";
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
  /**
   * The most rows drawn at once (default 500): the rest, sorted and filtered
   * like them, come with "Show more". A browser lays out every row of a
   * table, and thousands make each sort or key press slow.
   */
  maxRows?: number;
  /** A second section after the rows, under its own heading, neither sorted nor filtered. */
  trailing?: { heading: string; rows: readonly T[] };
  className?: string;
}

/**
 * The one table of the dashboard: sortable headers, a filter box, an empty
 * state, checkboxes, a row action, rows reachable by keyboard, stacked rows on
 * phones, and at most `maxRows` rows drawn at once. Every cell is plain text
 * or controls: DLQ entries are never trusted markup.
 */
export function DataTable<T>(props: DataTableProps<T>) {
  const { columns, selection, stackOnPhone: stack = false, middle = false } = props;
  const view = useTableRows(
    props.rows,
    columns,
    props.filter,
    props.initialSort,
    props.maxRows ?? MAX_ROWS,
  );
  const keys = view.shown.map((r, i) => props.rowKey(r, i));
  const width = columns.length + (selection ? 1 : 0) + (props.actions ? 1 : 0);

  return (
    <div className="space-y-2">
      {props.filter && (
        <FilterBox filter={props.filter} query={view.query} onChange={view.setQuery}>
          {view.query.trim() && `${view.matched} of ${props.rows.length} match`}
        </FilterBox>
      )}
      <TableScroll
        label={props.scrollLabel ?? props.label}
        className={`bg-white dark:bg-zinc-900 ${props.className ?? ""}`}
      >
        <table
          aria-label={props.label}
          aria-busy={props.busy || undefined}
          data-rows={view.matched}
          className={`${table.table} transition-opacity ${props.busy ? "opacity-60" : ""} ${stack ? stacked.table : ""}`}
        >
          <Head
            columns={columns}
            keys={keys}
            selection={selection}
            actions={!!props.actions}
            sort={view.sort}
            onSort={view.toggleSort}
            sticky={props.stickyHeader}
            stack={stack}
          />
          <Body
            {...props}
            shown={view.shown}
            keys={keys}
            width={width}
            stack={stack}
            middle={middle}
          />
          {props.trailing && (
            <Trailing
              {...props.trailing}
              rowKey={props.rowKey}
              columns={columns}
              actions={props.actions}
              stack={stack}
              middle={middle}
              width={width}
            />
          )}
        </table>
      </TableScroll>
      {view.matched > view.shown.length && (
        <ShowMore
          shown={view.shown.length}
          matched={view.matched}
          step={props.maxRows ?? MAX_ROWS}
          onMore={view.showMore}
        />
      )}
    </div>
  );
}

const MAX_ROWS = 500;

/** The drawn rows, and the body's keyboard, focus and click handling. */
function Body<T>(
  props: DataTableProps<T> & {
    shown: readonly T[];
    keys: string[];
    width: number;
    stack: boolean;
    middle: boolean;
  },
) {
  const { shown, keys, selection } = props;
  const handlers = useStableHandlers(props);
  const focus = useRowFocus(shown.length, handlers);
  const interactive = !!(props.onOpen || selection);
  return (
    <tbody
      onKeyDown={interactive ? focus.onKeyDown : undefined}
      onFocus={interactive ? focus.onFocus : undefined}
      onClick={props.onOpen ? focus.onClick : undefined}
      className={props.stack ? stacked.body : ""}
    >
      {shown.length === 0 && (
        <EmptyRow columns={props.width}>
          {props.rows.length > 0 ? "Nothing here matches the filter." : props.empty}
        </EmptyRow>
      )}
      {shown.map((row, i) => (
        <Row
          key={keys[i]}
          row={row}
          rowKey={keys[i]!}
          columns={props.columns}
          checkbox={selection?.label(row)}
          onToggle={handlers.toggleKey}
          selected={selection?.selected.has(keys[i]!) ?? false}
          tabIndex={interactive ? focus.tabIndex(i) : undefined}
          clickable={!!props.onOpen}
          actions={props.actions}
          stack={props.stack}
          middle={props.middle}
        />
      ))}
    </tbody>
  );
}

function ShowMore(props: { shown: number; matched: number; step: number; onMore: () => void }) {
  const next = Math.min(props.step, props.matched - props.shown);
  return (
    <div className="flex flex-wrap items-center gap-3 text-sm text-zinc-600 dark:text-zinc-400">
      <span className="tabular-nums">
        {fmtInt(props.shown)} of {fmtInt(props.matched)} rows shown
      </span>
      <Button onClick={props.onMore}>Show {fmtInt(next)} more</Button>
    </div>
  );
}
