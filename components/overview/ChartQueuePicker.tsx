"use client";

import { useId, useRef, useState } from "react";
import { matchQueues } from "../queues-nav";
import { Button } from "../ui";
import { PICK_MAX, TOP } from "./chart-queues";

/** Checkboxes listed at once: the filter narrows a hundred queues to what fits. */
const LISTED = 40;

/**
 * Which queues the history charts draw: the top five by each chart's own
 * measure (the default), or up to PICK_MAX the admin ticks. The caller keeps
 * the choice in the URL.
 */
export function ChartQueuePicker(props: {
  queues: string[];
  picked: string[] | null;
  onChange: (picked: string[] | null) => void;
}) {
  const [open, setOpen] = useState(false);
  const [text, setText] = useState("");
  const button = useRef<HTMLButtonElement>(null);
  const id = useId();
  const picked = props.picked ?? [];
  const listed = matchQueues(props.queues, picked, text).slice(0, LISTED);
  const toggle = (q: string) => {
    const next = picked.includes(q) ? picked.filter((p) => p !== q) : [...picked, q];
    props.onChange(next.length > 0 ? next : null);
  };
  const close = () => {
    setOpen(false);
    button.current?.focus();
  };
  return (
    <div className="relative">
      <Button ref={button} aria-expanded={open} aria-controls={id} onClick={() => setOpen(!open)}>
        {props.picked ? `Queues: ${props.picked.length} picked` : `Queues: top ${TOP} per chart`}
      </Button>
      {open && (
        <div
          id={id}
          role="dialog"
          aria-label="Queues to draw"
          onKeyDown={(e) => e.key === "Escape" && close()}
          className="absolute right-0 z-30 mt-1 w-72 max-w-[calc(100vw-2rem)] rounded-lg border border-zinc-200 bg-white p-3 shadow-lg dark:border-zinc-700 dark:bg-zinc-900"
        >
          <input
            type="search"
            aria-label="Filter queues to draw"
            placeholder="Filter queues"
            maxLength={64}
            value={text}
            onChange={(e) => setText(e.target.value)}
            className="w-full rounded-md border border-zinc-300 bg-white px-2 py-1.5 text-sm dark:border-zinc-700 dark:bg-zinc-950"
          />
          <fieldset className="mt-2 max-h-64 overflow-y-auto">
            <legend className="text-xs text-zinc-600 dark:text-zinc-400">
              Pick up to {PICK_MAX}; the rest are summed as “others”.
            </legend>
            {listed.map((q) => {
              const on = picked.includes(q);
              return (
                <label key={q} className="flex items-center gap-2 py-0.5 text-sm">
                  <input
                    type="checkbox"
                    checked={on}
                    disabled={!on && picked.length >= PICK_MAX}
                    onChange={() => toggle(q)}
                  />
                  <span className="truncate">{q}</span>
                </label>
              );
            })}
          </fieldset>
          <div className="mt-2 flex justify-between gap-2">
            <Button tone="ghost" onClick={() => props.onChange(null)} disabled={!props.picked}>
              Top {TOP} per chart
            </Button>
            <Button onClick={close}>Done</Button>
          </div>
        </div>
      )}
    </div>
  );
}
