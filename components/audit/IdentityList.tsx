"use client";

import { useId, useState } from "react";
import { fmtInt } from "../format";

const SHOWN = 3;

/**
 * The identities an entry names, the first few at once and the rest on
 * demand; or only the count, when the action was not about messages
 * (e.g. keys a cache clear deleted) or listed more than the log keeps.
 */
export function IdentityList(props: { identities?: string[]; count?: number }) {
  const [open, setOpen] = useState(false);
  const listId = useId();
  const ids = props.identities ?? [];
  const count = props.count ?? ids.length;
  if (ids.length === 0) {
    return props.count === undefined ? (
      <span className="text-zinc-600 dark:text-zinc-400">–</span>
    ) : (
      <span className="tabular-nums">{fmtInt(count)}</span>
    );
  }
  const shown = open ? ids : ids.slice(0, SHOWN);
  return (
    <div className="min-w-48">
      <ul id={listId} className="space-y-0.5">
        {shown.map((id, i) => (
          <li key={`${i}:${id}`} className="font-mono text-xs break-all">
            {id}
          </li>
        ))}
      </ul>
      {count > ids.length && open && (
        <p className="mt-1 text-xs text-zinc-600 dark:text-zinc-400">
          {fmtInt(count)} in total; the log keeps the first {fmtInt(ids.length)}.
        </p>
      )}
      {ids.length > SHOWN && (
        <button
          type="button"
          aria-expanded={open}
          aria-controls={listId}
          onClick={() => setOpen((o) => !o)}
          className="mt-1 rounded text-xs font-medium text-blue-700 underline-offset-2 hover:underline focus-visible:outline-2 focus-visible:outline-blue-600 dark:text-blue-300"
        >
          {open ? "Show fewer" : `Show all ${fmtInt(count)}`}
        </button>
      )}
      {ids.length <= SHOWN && count > ids.length && (
        <p className="mt-1 text-xs text-zinc-600 dark:text-zinc-400">{fmtInt(count)} in total</p>
      )}
    </div>
  );
}
