"use client";

import { useState, type FormEvent } from "react";
import type { DlqPageResponse } from "@/lib/http/types";
import { Button } from "../ui";
import { fmtInt, plural } from "./text";

/** The substring filter: applied on submit, as each search scans up to 10 000 entries. */
export function FilterBar(props: { value: string; onApply: (q: string) => void }) {
  const [draft, setDraft] = useState(props.value);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    props.onApply(draft.trim());
  };
  return (
    <form role="search" onSubmit={submit} className="flex min-w-64 flex-1 gap-2">
      <input
        type="search"
        aria-label="Filter messages"
        placeholder="Filter messages (text in the entry)"
        maxLength={200}
        value={draft}
        onChange={(e) => setDraft(e.target.value)}
        className="min-w-0 flex-1 rounded-md border border-zinc-300 bg-white px-2.5 py-1.5 text-sm placeholder:text-zinc-500 focus-visible:outline-2 focus-visible:outline-blue-600 dark:border-zinc-700 dark:bg-zinc-900 dark:placeholder:text-zinc-400"
      />
      <Button type="submit">Filter</Button>
      {props.value && (
        <Button
          onClick={() => {
            setDraft("");
            props.onApply("");
          }}
        >
          Clear filter
        </Button>
      )}
    </form>
  );
}

/** How far the bounded filter scan looked, and where it would go on. */
export function FilterSummary(props: {
  filter: NonNullable<DlqPageResponse["filter"]>;
  offset: number;
  matches: number;
  canGoBack: boolean;
  onBack: () => void;
  onFurther: (offset: number) => void;
}) {
  const f = props.filter;
  const last = props.offset + f.scanned - 1;
  return (
    <div className="flex flex-wrap items-center gap-x-3 gap-y-2 text-sm text-zinc-600 dark:text-zinc-400">
      <p>
        {plural(props.matches, "match", "matches")} for “{f.q}”: looked at{" "}
        {plural(f.scanned, "entry", "entries")}
        {f.scanned > 0 && ` (#${fmtInt(props.offset)}–#${fmtInt(last)})`}
        {f.complete
          ? ", to the end of the DLQ."
          : f.nextOffset !== null
            ? `; more to look at from #${fmtInt(f.nextOffset)}.`
            : "."}
      </p>
      <div className="flex gap-2">
        {props.canGoBack && <Button onClick={props.onBack}>Back</Button>}
        {!f.complete && f.nextOffset !== null && (
          <Button onClick={() => props.onFurther(f.nextOffset!)}>Look further</Button>
        )}
      </div>
    </div>
  );
}
