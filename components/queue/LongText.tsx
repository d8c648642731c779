"use client";

import { useState } from "react";
import { fmtBytes } from "../format";
import { Button } from "../ui";

const DEFAULT_LIMIT = 64 * 1024;

/**
 * Preformatted text that shows its first 64 KB until asked for all of it: an
 * entry may be megabytes, and rendering it whole would stall the page.
 */
export function LongText(props: { text: string; label: string; limit?: number }) {
  const limit = props.limit ?? DEFAULT_LIMIT;
  const [all, setAll] = useState(false);
  const long = props.text.length > limit;
  return (
    <div>
      <pre
        aria-label={props.label}
        tabIndex={0}
        className="max-h-[60vh] overflow-auto whitespace-pre-wrap break-all rounded-md border border-zinc-200 bg-zinc-50 p-3 font-mono text-xs leading-relaxed focus-visible:outline-2 focus-visible:outline-blue-600 dark:border-zinc-800 dark:bg-zinc-950"
      >
        {long && !all ? `${props.text.slice(0, limit)}…` : props.text}
      </pre>
      {long && (
        <Button className="mt-2" onClick={() => setAll((a) => !a)}>
          {all
            ? `Show the first ${fmtBytes(limit)}`
            : `Show all (${fmtBytes(new Blob([props.text]).size)})`}
        </Button>
      )}
    </div>
  );
}
