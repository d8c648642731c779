"use client";

import { memo, type ReactNode } from "react";
import { table } from "../ui";
import { cellClass, stacked } from "./classes";
import type { Column } from "./types";

export interface RowProps<T> {
  row: T;
  rowKey: string;
  columns: readonly Column<T>[];
  /** The checkbox's accessible name; no checkbox without one. */
  checkbox?: string;
  onToggle?: (key: string) => void;
  selected: boolean;
  /** In the tab order's roving stop (0), or out of it (-1); none for a table without row actions. */
  tabIndex?: number;
  /** A click on the row opens it (the table's body handles the click). */
  clickable?: boolean;
  actions?: (row: T) => ReactNode;
  stack: boolean;
  middle: boolean;
}

function rowClass<T>(p: RowProps<T>): string {
  return [
    table.row,
    p.clickable && "cursor-pointer hover:bg-zinc-50 dark:hover:bg-zinc-800/60",
    p.tabIndex !== undefined &&
      "focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-blue-600",
    p.selected && "bg-blue-50 dark:bg-blue-950/40",
    p.middle && "[&>*]:align-middle",
    p.stack && stacked.row,
  ]
    .filter(Boolean)
    .join(" ");
}

/**
 * One row; memoised, and given no position or handler of its own, so that a
 * poll that changed nothing, or a new sort, re-renders no row.
 */
export const Row = memo(function Row<T>(p: RowProps<T>) {
  return (
    <tr
      data-row={p.tabIndex !== undefined ? "" : undefined}
      tabIndex={p.tabIndex}
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

/** A second section after the rows, under its own heading: neither sorted, filtered nor selected. */
export function Trailing<T>(props: {
  heading: string;
  rows: readonly T[];
  rowKey: (row: T, index: number) => string;
  columns: readonly Column<T>[];
  actions?: (row: T) => ReactNode;
  stack: boolean;
  middle: boolean;
  width: number;
}) {
  return (
    <tbody className="border-t-2 border-zinc-300 dark:border-zinc-700">
      <tr>
        <th
          scope="colgroup"
          colSpan={props.width}
          className="bg-zinc-50 px-3 py-1.5 text-left text-xs font-medium text-zinc-600 dark:bg-zinc-900 dark:text-zinc-400"
        >
          {props.heading}
        </th>
      </tr>
      {props.rows.map((row, i) => (
        <Row
          key={props.rowKey(row, i)}
          row={row}
          rowKey={props.rowKey(row, i)}
          columns={props.columns}
          selected={false}
          actions={props.actions}
          stack={props.stack}
          middle={props.middle}
        />
      ))}
    </tbody>
  );
}
