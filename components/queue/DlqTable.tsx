"use client";

import { useEffect, useRef, type MouseEvent } from "react";
import type { DlqMessage } from "@/lib/http/types";
import { fmtInt, isoTime } from "../format";
import { useFmtTime } from "../time";
import { Button, EmptyRow, table, TableScroll } from "../ui";
import { useQueue } from "./context";
import { fmtRelative, preview } from "./text";

/**
 * Selection keys for the rows of a page: the identity, numbered when identical
 * messages repeat. Not the index: a busy DLQ shifts every index at each new
 * failure, and a checked row must stay checked across polls.
 */
export function pageKeys(messages: readonly { identity: string }[]): string[] {
  const seen = new Map<string, number>();
  return messages.map((m) => {
    const n = (seen.get(m.identity) ?? 0) + 1;
    seen.set(m.identity, n);
    return `${m.identity}#${n}`;
  });
}

/** One page of the DLQ. Every cell is plain text: entries are never trusted markup. */
export function DlqTable(props: {
  messages: DlqMessage[];
  selected: ReadonlySet<string>;
  onToggle: (key: string, m: DlqMessage) => void;
  onToggleAll: (on: boolean) => void;
  onOpen: (m: DlqMessage) => void;
  stale: boolean;
  empty: string;
}) {
  const fmtTime = useFmtTime();
  const { queue, isAdmin } = useQueue();
  const keys = pageKeys(props.messages);
  const chosen = keys.filter((k) => props.selected.has(k)).length;
  const all = props.messages.length > 0 && chosen === props.messages.length;

  // Clicking a row opens it, unless the click was on a control or ended a text selection.
  const onRowClick = (e: MouseEvent, m: DlqMessage) => {
    if ((e.target as HTMLElement).closest("button, input, label, a")) return;
    if (window.getSelection()?.toString()) return;
    props.onOpen(m);
  };

  return (
    <TableScroll label="Dead letters, scrollable" className="bg-white dark:bg-zinc-900">
      <table
        aria-label={`Dead letters of ${queue}`}
        aria-busy={props.stale}
        className={`${table.table} ${props.stale ? "opacity-60" : ""}`}
      >
        <thead className={table.head}>
          <tr>
            {isAdmin && (
              <th scope="col" className={`${table.th} w-8`}>
                <HeaderCheckbox
                  checked={all}
                  indeterminate={chosen > 0 && !all}
                  disabled={props.messages.length === 0}
                  onChange={props.onToggleAll}
                />
              </th>
            )}
            <th scope="col" className={`${table.th} text-right`}>
              #
            </th>
            <th scope="col" className={table.th}>
              Error type
            </th>
            <th scope="col" className={table.th}>
              Error message
            </th>
            <th scope="col" className={`${table.th} text-right`}>
              Retries
            </th>
            <th scope="col" className={table.th}>
              Failed at
            </th>
            <th scope="col" className={table.th}>
              Payload
            </th>
            <th scope="col" className={table.th}>
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {props.messages.length === 0 && (
            <EmptyRow columns={isAdmin ? 8 : 7}>{props.empty}</EmptyRow>
          )}
          {props.messages.map((m, i) => {
            const key = keys[i]!;
            const checked = props.selected.has(key);
            return (
              <tr
                key={key}
                onClick={(e) => onRowClick(e, m)}
                className={`${table.row} cursor-pointer [&>td]:align-middle hover:bg-zinc-50 dark:hover:bg-zinc-800/60 ${checked ? "bg-blue-50 dark:bg-blue-950/40" : ""}`}
              >
                {isAdmin && (
                  <td className={table.td}>
                    <input
                      type="checkbox"
                      aria-label={`Select message ${m.index}`}
                      checked={checked}
                      onChange={() => props.onToggle(key, m)}
                      className="size-4 accent-blue-700"
                    />
                  </td>
                )}
                <td
                  className={`${table.td} text-right tabular-nums text-zinc-600 dark:text-zinc-400`}
                >
                  {fmtInt(m.index)}
                </td>
                <td
                  className={`${table.td} max-w-40 truncate font-mono text-xs`}
                  title={m.errorType ?? undefined}
                >
                  {m.errorType ? preview(m.errorType, 60) : <NotSet />}
                </td>
                <td
                  className={`${table.td} max-w-72 truncate`}
                  title={m.errorMessage ? preview(m.errorMessage, 500) : undefined}
                >
                  {m.errorMessage ? preview(m.errorMessage, 160) : <NotSet />}
                </td>
                <td className={`${table.td} text-right tabular-nums`}>{fmtInt(m.retryCount)}</td>
                <td className={`${table.td} whitespace-nowrap`}>
                  {m.failedAt ? (
                    <time dateTime={isoTime(m.failedAt)} title={fmtTime(m.failedAt)}>
                      {fmtRelative(m.failedAt)}
                    </time>
                  ) : (
                    <NotSet />
                  )}
                </td>
                <td
                  className={`${table.td} max-w-96 truncate font-mono text-xs text-zinc-700 dark:text-zinc-300`}
                >
                  {preview(m.raw, 120)}
                  {!m.isJson && (
                    <span className="ml-1 font-sans text-zinc-600 dark:text-zinc-400">
                      (not JSON)
                    </span>
                  )}
                </td>
                <td className={`${table.td} text-right`}>
                  <Button
                    tone="ghost"
                    className="py-0.5"
                    aria-label={`Details of message ${m.index}`}
                    onClick={() => props.onOpen(m)}
                  >
                    Details
                  </Button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </TableScroll>
  );
}

function NotSet() {
  return <span className="text-zinc-600 dark:text-zinc-400">–</span>;
}

/** "Select all on this page", with the mixed state when some rows are chosen. */
function HeaderCheckbox(props: {
  checked: boolean;
  indeterminate: boolean;
  disabled: boolean;
  onChange: (on: boolean) => void;
}) {
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (ref.current) ref.current.indeterminate = props.indeterminate;
  }, [props.indeterminate]);
  return (
    <input
      ref={ref}
      type="checkbox"
      aria-label="Select all on this page"
      checked={props.checked}
      disabled={props.disabled}
      onChange={(e) => props.onChange(e.target.checked)}
      className="size-4 accent-blue-700"
    />
  );
}
