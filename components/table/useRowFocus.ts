"use client";

import { useState, type KeyboardEvent } from "react";

const MOVES: Record<string, (i: number, last: number) => number> = {
  ArrowDown: (i, last) => Math.min(i + 1, last),
  ArrowUp: (i) => Math.max(i - 1, 0),
  Home: () => 0,
  End: (_i, last) => last,
};

/**
 * Rows as one stop in the tab order (a roving tabindex): Tab reaches the
 * table's current row, the arrow keys, Home and End move between rows, Enter
 * opens the row and Space toggles its checkbox. Keys pressed on a control
 * inside a row stay that control's.
 */
export function useRowFocus(
  count: number,
  actions: { open?: (i: number) => void; toggle?: (i: number) => void },
) {
  const [active, setActive] = useState(0);
  const current = Math.min(active, Math.max(count - 1, 0));

  const onKeyDown = (e: KeyboardEvent<HTMLTableSectionElement>) => {
    const row = e.target as HTMLElement;
    if (row.dataset.row === undefined) return;
    const i = Number(row.dataset.row);
    const move = MOVES[e.key];
    if (move) {
      e.preventDefault();
      const rows = e.currentTarget.querySelectorAll<HTMLElement>(":scope > tr[data-row]");
      rows[move(i, count - 1)]?.focus();
    } else if (e.key === "Enter" && actions.open) {
      e.preventDefault();
      actions.open(i);
    } else if (e.key === " " && actions.toggle) {
      e.preventDefault();
      actions.toggle(i);
    }
  };

  return {
    onKeyDown,
    tabIndex: (i: number) => (i === current ? 0 : -1),
    onFocus: (i: number) => setActive(i),
  };
}
