"use client";

import { useState } from "react";
import { useDashboard } from "../DashboardProvider";
import { Button } from "../ui";
import type { FindQuery } from "./data";

const FIELDS = ["job_id", "id", "filename"];
const input =
  "rounded-md border border-zinc-300 bg-white px-2 py-1.5 text-sm dark:border-zinc-700 dark:bg-zinc-900";

/** The search: a field (job_id unless changed), its value, and every queue or one. */
export function FindForm(props: {
  initial: FindQuery | null;
  running: boolean;
  onFind: (q: FindQuery) => void;
  onStop: () => void;
}) {
  const { queues } = useDashboard();
  const [field, setField] = useState(props.initial?.field ?? "job_id");
  const [value, setValue] = useState(props.initial?.value ?? "");
  const [queue, setQueue] = useState(props.initial?.queue ?? "");
  return (
    <form
      role="search"
      className="flex flex-wrap items-end gap-3"
      onSubmit={(e) => {
        e.preventDefault();
        if (value.trim()) props.onFind({ field, value: value.trim(), queue: queue || undefined });
      }}
    >
      <label className="flex flex-col gap-1 text-sm">
        Field
        <input
          className={`${input} w-36 font-mono`}
          list="find-fields"
          value={field}
          required
          pattern="[A-Za-z_][\w.\-]{0,63}"
          onChange={(e) => setField(e.target.value)}
        />
        <datalist id="find-fields">
          {FIELDS.map((f) => (
            <option key={f} value={f} />
          ))}
        </datalist>
      </label>
      <label className="flex min-w-64 flex-1 flex-col gap-1 text-sm">
        Value
        <input
          className={`${input} font-mono`}
          value={value}
          required
          maxLength={128}
          placeholder="6b4c87a6-…"
          onChange={(e) => setValue(e.target.value)}
        />
      </label>
      <label className="flex flex-col gap-1 text-sm">
        In
        <select className={input} value={queue} onChange={(e) => setQueue(e.target.value)}>
          <option value="">every queue</option>
          {queues.map((q) => (
            <option key={q} value={q}>
              {q}
            </option>
          ))}
        </select>
      </label>
      <Button type="submit" tone="primary">
        Find
      </Button>
      {props.running && (
        <Button type="button" onClick={props.onStop}>
          Stop
        </Button>
      )}
    </form>
  );
}
