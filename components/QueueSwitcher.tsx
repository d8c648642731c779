"use client";

import { useRouter } from "next/navigation";
import { useCallback, useEffect, useId, useRef, useState, type KeyboardEvent } from "react";
import { matchQueues } from "./queues-nav";

/** Options rendered at once: typing narrows a list of hundreds to what fits. */
const SHOWN = 50;

/**
 * "Go to queue": a button that opens a combobox over every configured queue.
 * Type to filter, ↑/↓ to choose, Enter to open, Escape to close; "/" or
 * Ctrl+K (⌘K) opens it from anywhere outside a text field. Pinned queues
 * come first and are marked.
 */
export function QueueSwitcher(props: { queues: string[]; pins: string[] }) {
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const frame = useRef<HTMLDivElement>(null);
  useOpenShortcut(useCallback(() => setOpen(true), []));
  const close = useCallback(() => {
    setOpen(false);
    button.current?.focus();
  }, []);
  const dismiss = useCallback(() => setOpen(false), []);
  useCloseOutside(frame, open, dismiss);
  return (
    <div ref={frame} className="relative">
      <button
        ref={button}
        type="button"
        aria-haspopup="dialog"
        aria-expanded={open}
        onClick={() => setOpen((o) => !o)}
        className="rounded-md border border-zinc-300 px-2.5 py-1.5 text-sm text-zinc-700 hover:bg-zinc-100 dark:border-zinc-700 dark:text-zinc-300 dark:hover:bg-zinc-800"
      >
        Go to queue…{" "}
        <span className="text-zinc-600 dark:text-zinc-400">({props.queues.length})</span>
      </button>
      {open && <SwitcherPanel {...props} onClose={close} />}
    </div>
  );
}

function useOpenShortcut(openIt: () => void): void {
  useEffect(() => {
    const onKey = (e: globalThis.KeyboardEvent) => {
      const target = e.target as HTMLElement | null;
      const typing =
        target?.isContentEditable ||
        ["INPUT", "TEXTAREA", "SELECT"].includes(target?.tagName ?? "");
      const slash = e.key === "/" && !typing && !e.ctrlKey && !e.metaKey && !e.altKey;
      const k = e.key.toLowerCase() === "k" && (e.ctrlKey || e.metaKey);
      if (!slash && !k) return;
      e.preventDefault();
      openIt();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [openIt]);
}

function SwitcherPanel(props: { queues: string[]; pins: string[]; onClose: () => void }) {
  const router = useRouter();
  const [text, setText] = useState("");
  const [active, setActive] = useState(0);
  const id = useId();
  const all = matchQueues(props.queues, props.pins, text);
  const shown = all.slice(0, SHOWN);
  const current = Math.min(active, shown.length - 1);
  const go = (queue: string | undefined) => {
    if (!queue) return;
    props.onClose();
    router.push(`/queues/${encodeURIComponent(queue)}`);
  };
  const onKeyDown = listKeys(shown.length, current, setActive, {
    pick: () => go(shown[current]),
    close: props.onClose,
  });
  return (
    <div
      role="dialog"
      aria-label="Go to queue"
      className="absolute left-0 z-40 mt-1 w-72 max-w-[calc(100vw-2rem)] rounded-lg border border-zinc-200 bg-white p-2 shadow-lg dark:border-zinc-700 dark:bg-zinc-900"
    >
      <input
        autoFocus
        role="combobox"
        aria-expanded="true"
        aria-controls={`${id}-list`}
        aria-autocomplete="list"
        aria-activedescendant={shown.length > 0 ? `${id}-${current}` : undefined}
        aria-label="Queue name"
        placeholder="Type to filter queues"
        value={text}
        maxLength={64}
        onChange={(e) => {
          setText(e.target.value);
          setActive(0);
        }}
        onKeyDown={onKeyDown}
        className="w-full rounded-md border border-zinc-300 bg-white px-2 py-1.5 text-sm dark:border-zinc-700 dark:bg-zinc-950"
      />
      <QueueOptions id={id} shown={shown} current={current} pins={props.pins} onPick={go} />
      <p className="px-2 pt-1 text-xs text-zinc-600 dark:text-zinc-400" aria-live="polite">
        {all.length === 0
          ? "No queue matches."
          : all.length > SHOWN
            ? `${SHOWN} of ${all.length} shown; type to narrow.`
            : `${all.length} ${all.length === 1 ? "queue" : "queues"}`}
      </p>
    </div>
  );
}

/** The combobox's keys: ↑/↓ (wrapping), Home/End, Enter, Escape. */
function listKeys(
  count: number,
  current: number,
  setActive: (i: number) => void,
  on: { pick: () => void; close: () => void },
) {
  return (e: KeyboardEvent<HTMLInputElement>) => {
    const moves: Record<string, number> = {
      ArrowDown: current + 1,
      ArrowUp: current - 1,
      Home: 0,
      End: count - 1,
    };
    if (e.key in moves && count > 0) setActive((moves[e.key]! + count) % count);
    else if (e.key === "Enter") on.pick();
    else if (e.key === "Escape") on.close();
    else return;
    e.preventDefault();
  };
}

function QueueOptions(props: {
  id: string;
  shown: string[];
  current: number;
  pins: string[];
  onPick: (queue: string) => void;
}) {
  return (
    <ul
      id={`${props.id}-list`}
      role="listbox"
      aria-label="Queues"
      className="mt-1 max-h-72 overflow-y-auto"
    >
      {props.shown.map((q, i) => (
        <li
          key={q}
          id={`${props.id}-${i}`}
          role="option"
          aria-selected={i === props.current}
          onMouseDown={(e) => e.preventDefault()}
          onClick={() => props.onPick(q)}
          className="cursor-pointer truncate rounded px-2 py-1 text-sm aria-selected:bg-zinc-900 aria-selected:text-white dark:aria-selected:bg-zinc-100 dark:aria-selected:text-zinc-900"
        >
          {props.pins.includes(q) && <span aria-label="pinned">★ </span>}
          {q}
        </li>
      ))}
    </ul>
  );
}

/** Closes the switcher on a click anywhere outside its button and panel. */
function useCloseOutside(
  frame: React.RefObject<HTMLDivElement | null>,
  open: boolean,
  close: () => void,
) {
  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (frame.current && !frame.current.contains(e.target as Node)) close();
    };
    document.addEventListener("mousedown", onDown);
    return () => document.removeEventListener("mousedown", onDown);
  }, [frame, open, close]);
}
