"use client";

import { useState } from "react";
import type { ErrorGroup } from "@/lib/http/types";
import { fmtInt, isoTime } from "../format";
import { useFmtTime } from "../time";
import { Button, ConfirmDialog, EmptyRow, ErrorNote, table, TableScroll } from "../ui";
import { useAction, useQueue } from "./context";
import { moveGroup, useErrorGroups } from "./data";
import { fmtRelative, plural, preview } from "./text";

export function ErrorGroupsTab() {
  const { queue, isAdmin } = useQueue();
  const { data, error } = useErrorGroups(queue);
  const { busy, run } = useAction();
  const [pending, setPending] = useState<{ group: ErrorGroup; mode: "requeue" | "delete" } | null>(
    null,
  );

  const confirm = async () => {
    if (!pending) return;
    const { group, mode } = pending;
    const outcome = await run(
      () => moveGroup(queue, mode, group.id),
      (r) =>
        `${plural(r.moved.length, "message")} of ${group.errorType} ${mode === "requeue" ? "requeued" : "deleted"}` +
        (r.missing.length > 0 ? `; ${fmtInt(r.missing.length)} had already gone.` : "."),
    );
    if (outcome.ok) setPending(null);
  };

  const groups = data?.groups ?? [];

  return (
    <div className="space-y-3">
      {data && (
        <p className="text-sm text-zinc-600 dark:text-zinc-400">
          {plural(groups.length, "group")} in the newest {plural(data.scanned, "entry", "entries")}
          {data.complete ? ` (the whole DLQ)` : ` of ${fmtInt(data.total)}`}.
        </p>
      )}
      {error && !data && <ErrorNote error={error} />}
      <TableScroll label="Error groups, scrollable" className="bg-white dark:bg-zinc-900">
        <table aria-label={`Error groups of ${queue}`} className={table.table}>
          <thead className={table.head}>
            <tr>
              <th scope="col" className={table.th}>
                Error type
              </th>
              <th scope="col" className={table.th}>
                Pattern
              </th>
              <th scope="col" className={table.th}>
                Example
              </th>
              <th scope="col" className={`${table.th} text-right`}>
                Count
              </th>
              <th scope="col" className={table.th}>
                First seen
              </th>
              <th scope="col" className={table.th}>
                Last seen
              </th>
              {isAdmin && (
                <th scope="col" className={table.th}>
                  <span className="sr-only">Actions</span>
                </th>
              )}
            </tr>
          </thead>
          <tbody>
            {groups.length === 0 && (
              <EmptyRow columns={isAdmin ? 7 : 6}>
                {data ? "No errors: the DLQ is empty." : "Loading…"}
              </EmptyRow>
            )}
            {groups.map((g) => (
              <tr key={g.id} className={`${table.row} [&>td]:align-middle`}>
                <td className={`${table.td} max-w-48 break-words font-mono text-xs`}>
                  {preview(g.errorType, 80)}
                </td>
                <td className={`${table.td} min-w-56 max-w-96 break-words font-mono text-xs`}>
                  {preview(g.pattern, 300)}
                </td>
                <td
                  className={`${table.td} max-w-72 truncate text-zinc-700 dark:text-zinc-300`}
                  title={preview(g.example, 500)}
                >
                  {preview(g.example, 160)}
                </td>
                <td className={`${table.td} text-right font-semibold tabular-nums`}>
                  {fmtInt(g.count)}
                </td>
                <td className={`${table.td} whitespace-nowrap`}>
                  <When at={g.firstSeen} />
                </td>
                <td className={`${table.td} whitespace-nowrap`}>
                  <When at={g.lastSeen} />
                </td>
                {isAdmin && (
                  <td className={`${table.td} whitespace-nowrap text-right`}>
                    <div className="flex justify-end gap-2">
                      <Button
                        className="py-0.5"
                        aria-label={`Requeue ${plural(g.count, "message")} of ${g.errorType}: ${preview(g.pattern, 80)}`}
                        onClick={() => setPending({ group: g, mode: "requeue" })}
                      >
                        Requeue
                      </Button>
                      <Button
                        className="py-0.5"
                        aria-label={`Delete ${plural(g.count, "message")} of ${g.errorType}: ${preview(g.pattern, 80)}`}
                        onClick={() => setPending({ group: g, mode: "delete" })}
                      >
                        Delete
                      </Button>
                    </div>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
      <ConfirmDialog
        open={pending !== null}
        title={pending?.mode === "delete" ? "Delete error group" : "Requeue error group"}
        confirmLabel={pending?.mode === "delete" ? "Delete group" : "Requeue group"}
        danger={pending?.mode === "delete"}
        busy={busy}
        onConfirm={() => void confirm()}
        onClose={() => setPending(null)}
        message={
          pending && (
            <>
              <p>
                {pending.mode === "delete" ? "Delete" : "Requeue"} the{" "}
                {plural(pending.group.count, "message")} of this group
                {pending.mode === "requeue" ? " to the work queue" : ""}?
                {pending.mode === "delete" && " They cannot be brought back."}
              </p>
              <p className="mt-2 break-words font-mono text-xs">
                {preview(pending.group.errorType, 80)}: {preview(pending.group.pattern, 300)}
              </p>
              <p className="mt-2 text-zinc-600 dark:text-zinc-400">
                The whole DLQ is searched for the group, so the number moved may differ from the
                count above.
              </p>
            </>
          )
        }
      />
    </div>
  );
}

function When(props: { at: number | null }) {
  const fmtTime = useFmtTime();
  if (props.at === null) return <span className="text-zinc-600 dark:text-zinc-400">–</span>;
  return (
    <time dateTime={isoTime(props.at)} title={fmtTime(props.at)}>
      {fmtRelative(props.at)}
    </time>
  );
}
