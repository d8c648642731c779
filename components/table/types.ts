import type { ReactNode } from "react";

/**
 * One column of a DataTable. Cells are plain React nodes; text from Redis is
 * bounded by the caller (`preview`) and escaped by React.
 */
export interface Column<T> {
  /** Stable id: the sort state names it. */
  id: string;
  /** The header text, and the cell's label in stacked rows on phones. */
  header: string;
  /** Header read by screen readers only (an actions column). */
  srOnlyHeader?: boolean;
  /** The header's tooltip: what the figure means. */
  hint?: string;
  cell: (row: T) => ReactNode;
  /** Classes of the cell (width, truncation, font). */
  className?: string;
  align?: "right";
  /** The cell's tooltip (the longer text behind a truncated cell). */
  title?: (row: T) => string | undefined;
  /** Makes the column sortable by this value; null sorts last either way. */
  sortValue?: (row: T) => number | string | null;
  /** Counts and times read best largest or newest first. */
  sortDescFirst?: boolean;
  /** The cell names its row for screen readers (`<th scope="row">`). */
  rowHeader?: boolean;
  /**
   * In stacked rows on phones: `title` opens the card on its first line;
   * `full` takes a line of its own and wraps (the error message, in full);
   * `meta` sits inline after its label on the last line, beside the actions;
   * `hidden` is left out. Default `meta`.
   */
  phone?: "title" | "full" | "meta" | "hidden";
  /** Whether a `meta` cell shows its header as a label on phones (default true). */
  phoneLabel?: boolean;
}

export type SortDirection = "asc" | "desc";

export interface SortState {
  id: string;
  direction: SortDirection;
}

/** Checkboxes in the first column; keys are the caller's (`rowKey`). */
export interface Selection<T> {
  selected: ReadonlySet<string>;
  onToggle: (key: string, row: T) => void;
  onToggleAll: (on: boolean) => void;
  /** The checkbox's accessible name, e.g. "Select message 3". */
  label: (row: T) => string;
}

/** A text box above the table that keeps the rows whose text contains what is typed. */
export interface TableFilter<T> {
  label: string;
  placeholder?: string;
  text: (row: T) => string;
}
