"use client";

import { useState, type FocusEvent, type KeyboardEvent, type MouseEvent } from "react";

const MOVES: Record<string, (i: number, last: number) => number> = {
  ArrowDown: (i, last) => Math.min(i + 1, last),
  ArrowUp: (i) => Math.max(i - 1, 0),
  Home: () => 0,
  End: (_i, last) => last,
};

type BodyEvent = { currentTarget: HTMLTableSectionElement; target: EventTarget };

/** The focusable rows of the body, in order, and the position of `el` among them (-1: none). */
function rowsOf(e: BodyEvent, el: Element | null) {
  const rows = [...e.currentTarget.querySelectorAll<HTMLElement>(":scope > tr[data-row]")];
  return { rows, i: el ? rows.indexOf(el as HTMLElement) : -1 };
}

/**
 * Rows as one stop in the tab order (a roving tabindex): Tab reaches the
 * table's current row, the arrow keys, Home and End move between rows, Enter
 * opens the row and Space toggles its checkbox. Keys pressed on a control
 * inside a row stay that control's. The handlers sit on the table's body and
 * find the row from the DOM, so that a row needs no handler of its own and
 * re-sorting re-renders none.
 */
export function useRowFocus(
  count: number,
  actions: { open?: (i: number) => void; toggle?: (i: number) => void },
) {
  const [active, setActive] = useState(0);
  const current = Math.min(active, Math.max(count - 1, 0));

  const onKeyDown = (e: KeyboardEvent<HTMLTableSectionElement>) => {
    const { rows, i } = rowsOf(e, e.target as Element);
    if (i < 0) return;
    const move = MOVES[e.key];
    if (move) {
      e.preventDefault();
      rows[move(i, count - 1)]?.focus();
    } else if (e.key === "Enter" && actions.open) {
      e.preventDefault();
      actions.open(i);
    } else if (e.key === " " && actions.toggle) {
      e.preventDefault();
      actions.toggle(i);
    }
  };

  const onFocus = (e: FocusEvent<HTMLTableSectionElement>) => {
    const { i } = rowsOf(e, e.target as Element);
    if (i >= 0) setActive(i);
  };

  // A click on a control, or one that ends a text selection, does not open the row.
  const onClick = (e: MouseEvent<HTMLTableSectionElement>) => {
    const target = e.target as HTMLElement;
    if (target.closest("button, input, label, a, select")) return;
    if (window.getSelection()?.toString()) return;
    const { i } = rowsOf(e, target.closest("tr"));
    if (i >= 0) actions.open?.(i);
  };

  return { onKeyDown, onFocus, onClick, tabIndex: (i: number) => (i === current ? 0 : -1) };
}
