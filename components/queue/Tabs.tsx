"use client";

import { useId, useRef, type KeyboardEvent, type ReactNode } from "react";

/**
 * A WAI-ARIA tablist: one tab stop for the row, arrow keys move between tabs
 * (and select them, as the panels are cheap to switch).
 */
export function Tabs<T extends string>(props: {
  label: string;
  tabs: readonly { id: T; label: string }[];
  value: T;
  onChange: (id: T) => void;
  children: ReactNode;
}) {
  const base = useId();
  const refs = useRef<(HTMLButtonElement | null)[]>([]);
  const index = props.tabs.findIndex((t) => t.id === props.value);

  const onKeyDown = (e: KeyboardEvent) => {
    const n = props.tabs.length;
    const next =
      e.key === "ArrowRight"
        ? (index + 1) % n
        : e.key === "ArrowLeft"
          ? (index - 1 + n) % n
          : e.key === "Home"
            ? 0
            : e.key === "End"
              ? n - 1
              : -1;
    if (next < 0) return;
    e.preventDefault();
    props.onChange(props.tabs[next]!.id);
    refs.current[next]?.focus();
  };

  return (
    <div>
      <div
        role="tablist"
        aria-label={props.label}
        onKeyDown={onKeyDown}
        className="flex gap-1 overflow-x-auto border-b border-zinc-200 dark:border-zinc-800"
      >
        {props.tabs.map((t, i) => {
          const selected = t.id === props.value;
          return (
            <button
              key={t.id}
              ref={(el) => {
                refs.current[i] = el;
              }}
              type="button"
              role="tab"
              id={`${base}-tab-${t.id}`}
              aria-selected={selected}
              // Only the selected tab's panel exists; a reference to a missing id is invalid ARIA.
              aria-controls={selected ? `${base}-panel-${t.id}` : undefined}
              tabIndex={selected ? 0 : -1}
              onClick={() => props.onChange(t.id)}
              className={`-mb-px shrink-0 border-b-2 px-3 py-2 text-sm font-medium focus-visible:outline-2 focus-visible:outline-offset-[-2px] focus-visible:outline-blue-600 ${
                selected
                  ? "border-blue-700 text-zinc-900 dark:border-blue-400 dark:text-zinc-100"
                  : "border-transparent text-zinc-600 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-zinc-100"
              }`}
            >
              {t.label}
            </button>
          );
        })}
      </div>
      <div
        role="tabpanel"
        id={`${base}-panel-${props.value}`}
        aria-labelledby={`${base}-tab-${props.value}`}
        className="pt-4"
      >
        {props.children}
      </div>
    </div>
  );
}
