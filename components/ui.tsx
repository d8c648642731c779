"use client";

import { useEffect, useId, useRef, type ComponentProps, type ReactNode } from "react";

/** Small building blocks with one look: cards, buttons, badges, dialogs. */

export function Card(props: {
  title?: ReactNode;
  actions?: ReactNode;
  className?: string;
  children: ReactNode;
}) {
  return (
    <section
      className={`rounded-lg border border-zinc-200 bg-white p-4 shadow-sm dark:border-zinc-800 dark:bg-zinc-900 ${props.className ?? ""}`}
    >
      {(props.title || props.actions) && (
        <div className="mb-3 flex flex-wrap items-center justify-between gap-2">
          {props.title && <h2 className="text-sm font-semibold">{props.title}</h2>}
          {props.actions && <div className="flex flex-wrap gap-2">{props.actions}</div>}
        </div>
      )}
      {props.children}
    </section>
  );
}

type Tone = "default" | "primary" | "danger" | "ghost";

const TONES: Record<Tone, string> = {
  default:
    "border border-zinc-300 bg-white hover:bg-zinc-50 dark:border-zinc-700 dark:bg-zinc-900 dark:hover:bg-zinc-800",
  primary:
    "bg-blue-700 text-white hover:bg-blue-800 dark:bg-blue-500 dark:text-zinc-950 dark:hover:bg-blue-400",
  danger:
    "bg-red-700 text-white hover:bg-red-800 dark:bg-red-500 dark:text-zinc-950 dark:hover:bg-red-400",
  ghost: "hover:bg-zinc-100 dark:hover:bg-zinc-800",
};

/** A button's look, also for a link that acts as one (a download). */
export function buttonClass(tone: Tone = "default", className = ""): string {
  return `inline-flex items-center gap-1 rounded-md px-3 py-1.5 text-sm font-medium focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600 disabled:cursor-not-allowed disabled:opacity-50 ${TONES[tone]} ${className}`;
}

export function Button({
  tone = "default",
  className,
  ...rest
}: ComponentProps<"button"> & { tone?: Tone }) {
  return <button type="button" {...rest} className={buttonClass(tone, className)} />;
}

export function Badge(props: {
  tone?: "neutral" | "red" | "amber" | "green" | "blue";
  children: ReactNode;
}) {
  const tones = {
    neutral: "bg-zinc-100 text-zinc-800 dark:bg-zinc-800 dark:text-zinc-200",
    red: "bg-red-100 text-red-900 dark:bg-red-950 dark:text-red-200",
    amber: "bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-200",
    green: "bg-emerald-100 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-200",
    blue: "bg-blue-100 text-blue-900 dark:bg-blue-950 dark:text-blue-200",
  };
  return (
    <span
      className={`inline-flex items-center rounded px-1.5 py-0.5 text-xs font-medium ${tones[props.tone ?? "neutral"]}`}
    >
      {props.children}
    </span>
  );
}

/** A modal dialog on the native <dialog>: focus moves in, Escape closes, focus returns. */
export function Dialog(props: {
  open: boolean;
  title: string;
  onClose: () => void;
  children: ReactNode;
  footer?: ReactNode;
  side?: boolean;
  /** A wider centred dialog (an editor). */
  wide?: boolean;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (props.open && !d.open) d.showModal();
    if (!props.open && d.open) d.close();
  }, [props.open]);
  const placement = props.side
    ? "ml-auto mr-0 h-full max-h-none w-full max-w-2xl rounded-none"
    : `m-auto ${props.wide ? "w-[min(60rem,calc(100vw-2rem))]" : "w-[min(32rem,calc(100vw-2rem))]"} rounded-lg`;
  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      // React passes a nested dialog's close and cancel up its tree: only this one's count.
      onClose={(e) => e.target === e.currentTarget && props.onClose()}
      onCancel={(e) => e.target === e.currentTarget && props.onClose()}
      className={`${placement} bg-white p-0 text-zinc-900 shadow-xl backdrop:bg-black/40 dark:bg-zinc-900 dark:text-zinc-100`}
    >
      {props.open && (
        <div className="flex h-full flex-col">
          <div className="flex items-center justify-between border-b border-zinc-200 px-4 py-3 dark:border-zinc-800">
            <h2 id={titleId} className="font-semibold">
              {props.title}
            </h2>
            <Button tone="ghost" onClick={props.onClose} aria-label="Close">
              ✕
            </Button>
          </div>
          <div className="flex-1 overflow-auto px-4 py-3">{props.children}</div>
          {props.footer && (
            <div className="flex flex-wrap justify-end gap-2 border-t border-zinc-200 px-4 py-3 dark:border-zinc-800">
              {props.footer}
            </div>
          )}
        </div>
      )}
    </dialog>
  );
}

/** Tabs as buttons with aria-pressed: simple, and reachable with Tab and Enter. */
export function Segmented<T extends string>(props: {
  label: string;
  options: readonly T[];
  value: T;
  onChange: (v: T) => void;
}) {
  return (
    <div
      role="group"
      aria-label={props.label}
      className="inline-flex rounded-md border border-zinc-300 dark:border-zinc-700"
    >
      {props.options.map((o) => (
        <button
          key={o}
          type="button"
          aria-pressed={o === props.value}
          onClick={() => props.onChange(o)}
          className="px-2.5 py-1 text-xs font-medium first:rounded-l-md last:rounded-r-md focus-visible:outline-2 focus-visible:outline-blue-600 aria-pressed:bg-zinc-900 aria-pressed:text-white dark:aria-pressed:bg-zinc-100 dark:aria-pressed:text-zinc-900"
        >
          {o}
        </button>
      ))}
    </div>
  );
}

export function Stat(props: {
  label: string;
  value: ReactNode;
  hint?: ReactNode;
  tone?: "red" | "default";
}) {
  return (
    <div>
      <div className="text-xs text-zinc-600 dark:text-zinc-400">{props.label}</div>
      <div
        className={`text-lg font-semibold tabular-nums ${props.tone === "red" ? "text-red-700 dark:text-red-400" : ""}`}
      >
        {props.value}
      </div>
      {props.hint && <div className="text-xs text-zinc-600 dark:text-zinc-400">{props.hint}</div>}
    </div>
  );
}

export function ErrorNote(props: { error: unknown }) {
  if (!props.error) return null;
  const message = props.error instanceof Error ? props.error.message : String(props.error);
  return (
    <p
      role="alert"
      className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-900 dark:bg-red-950 dark:text-red-200"
    >
      {message}
    </p>
  );
}

/**
 * The scrolling wrapper of a wide table. Focusable and named, so that keyboard
 * users can scroll it (axe: scrollable-region-focusable); `relative` keeps
 * `sr-only` text inside from widening the page on narrow screens.
 */
export function TableScroll(props: { label: string; className?: string; children: ReactNode }) {
  return (
    <div
      role="region"
      aria-label={props.label}
      tabIndex={0}
      className={`${table.wrap} focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600 ${props.className ?? ""}`}
    >
      {props.children}
    </div>
  );
}

/** The one row of an empty (or still loading) table. */
export function EmptyRow(props: { columns: number; children: ReactNode }) {
  return (
    <tr className={table.row}>
      <td
        colSpan={props.columns}
        className={`${table.td} py-8 text-center text-zinc-600 dark:text-zinc-400`}
      >
        {props.children}
      </td>
    </tr>
  );
}

/** Shared table classes, so that every table reads the same. */
export const table = {
  wrap: "relative overflow-x-auto rounded-lg border border-zinc-200 dark:border-zinc-800",
  table: "min-w-full text-left text-sm",
  head: "bg-zinc-50 text-xs uppercase tracking-wide text-zinc-600 dark:bg-zinc-900 dark:text-zinc-400",
  th: "px-3 py-2 font-medium",
  row: "border-t border-zinc-200 dark:border-zinc-800",
  td: "px-3 py-2 align-top",
};
