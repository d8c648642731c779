import { table } from "../ui";
import type { Column } from "./types";

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
