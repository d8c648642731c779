"use client";

import { useCallback, useState } from "react";
import type { ErrorGroup } from "@/lib/http/types";
import { Confirm, useConfirm } from "../Confirm";
import { useDashboard } from "../DashboardProvider";
import { DataTable, type Column, type TableFilter } from "../table/DataTable";
import { fmtInt } from "../format";
import { Ago } from "../time";
import { Button, ErrorNote } from "../ui";
import { stayOpenOnFailure, useAction, useQueue } from "./context";
import { moveGroup, useErrorGroups, type MoveMode } from "./data";
import { ExportLink, exportPath } from "./Export";
import { RequeueWith } from "./RequeueWith";
import { plural, preview } from "./text";

interface Pending {
  group: ErrorGroup;
  mode: MoveMode;
}

const when = (at: number | null) =>
  at === null ? <span className="text-zinc-600 dark:text-zinc-400">–</span> : <Ago at={at} />;

const COLUMNS: Column<ErrorGroup>[] = [
  {
    id: "type",
    header: "Error type",
    phone: "title",
    className: "max-w-48 break-words font-mono text-xs",
    sortValue: (g) => g.errorType,
    cell: (g) => preview(g.errorType, 80),
  },
  {
    id: "pattern",
    header: "Pattern",
    phone: "full",
    className: "min-w-56 max-w-96 break-words font-mono text-xs",
    cell: (g) => preview(g.pattern, 300),
  },
  {
    // On a phone the pattern says it; the example would only repeat it.
    id: "example",
    header: "Example",
    phone: "hidden",
    className: "max-w-72 truncate text-zinc-700 dark:text-zinc-300",
    title: (g) => preview(g.example, 500),
    cell: (g) => preview(g.example, 160),
  },
  {
    id: "count",
    header: "Count",
    align: "right",
    className: "font-semibold",
    sortValue: (g) => g.count,
    sortDescFirst: true,
    cell: (g) => fmtInt(g.count),
  },
  {
    id: "first",
    header: "First seen",
    className: "whitespace-nowrap",
    sortValue: (g) => g.firstSeen,
    sortDescFirst: true,
    cell: (g) => when(g.firstSeen),
  },
  {
    id: "last",
    header: "Last seen",
    className: "whitespace-nowrap",
    sortValue: (g) => g.lastSeen,
    sortDescFirst: true,
    cell: (g) => when(g.lastSeen),
  },
];

const FILTER: TableFilter<ErrorGroup> = {
  label: "Filter error groups",
  placeholder: "Filter by error type or message",
  text: (g) => `${g.errorType} ${g.pattern} ${g.example}`,
};

/** The DLQ's failures grouped by type and normalised message, largest first. */
export function ErrorGroupsTab() {
  const { queue, isAdmin } = useQueue();
  const { data, error } = useErrorGroups(queue);
  const confirm = useConfirm<Pending>();
  const { ask } = confirm;
  const [withOptions, setWithOptions] = useState<ErrorGroup | null>(null);
  const { viewer } = useDashboard();
  const actions = useCallback(
    (g: ErrorGroup) => [
      ...(isAdmin ? (["requeue", "delete"] as const) : []).map((mode) => (
        <Button
          key={mode}
          className="py-0.5"
          aria-label={`${mode === "requeue" ? "Requeue" : "Delete"} ${plural(g.count, "message")} of ${g.errorType}: ${preview(g.pattern, 80)}`}
          onClick={() => ask({ group: g, mode })}
        >
          {mode === "requeue" ? "Requeue" : "Delete"}
        </Button>
      )),
      <ExportLink
        key="export"
        className="py-0.5"
        href={exportPath(queue, { group: g.id })}
        label={`Export the messages of ${g.errorType}: ${preview(g.pattern, 80)}`}
      >
        Export
      </ExportLink>,
      ...(isAdmin
        ? [
            <Button
              key="options"
              className="py-0.5"
              aria-label={`Requeue with options: ${g.errorType}: ${preview(g.pattern, 80)}`}
              onClick={() => setWithOptions(g)}
            >
              Options…
            </Button>,
          ]
        : []),
    ],
    [ask, queue, isAdmin],
  );

  return (
    <div className="space-y-3">
      {data && (
        <p className="text-sm text-zinc-600 dark:text-zinc-400">
          {plural(data.groups.length, "group")} in the newest{" "}
          {plural(data.scanned, "entry", "entries")}
          {data.complete ? ` (the whole DLQ)` : ` of ${fmtInt(data.total)}`}, computed{" "}
          <Ago at={data.computedAt} />.
        </p>
      )}
      {error && !data && <ErrorNote error={error} />}
      <DataTable
        label={`Error groups of ${queue}`}
        scrollLabel="Error groups, scrollable"
        rows={data?.groups ?? NONE}
        rowKey={(g) => g.id}
        columns={COLUMNS}
        filter={FILTER}
        initialSort={{ id: "count", direction: "desc" }}
        empty={data ? "No errors: the DLQ is empty." : "Loading…"}
        actions={isAdmin || viewer.canExport ? actions : undefined}
        stackOnPhone
        middle
      />
      <GroupConfirm target={confirm.target} onClose={confirm.close} />
      {withOptions && (
        <RequeueWith
          what={`the group ${preview(withOptions.errorType, 40)}`}
          many={{ group: withOptions.id }}
          onClose={() => setWithOptions(null)}
          onDone={() => setWithOptions(null)}
        />
      )}
    </div>
  );
}

const NONE: ErrorGroup[] = [];

function GroupConfirm(props: { target: Pending | null; onClose: () => void }) {
  const { queue } = useQueue();
  const { run } = useAction();
  const move = async ({ group, mode }: Pending) =>
    stayOpenOnFailure(
      await run(
        () => moveGroup(queue, mode, group.id),
        (r) =>
          `${plural(r.moved.length, "message")} of ${group.errorType} ${mode === "requeue" ? "requeued" : "deleted"}` +
          (r.missing.length > 0 ? `; ${fmtInt(r.missing.length)} had already gone.` : "."),
      ),
    );
  return (
    <Confirm
      target={props.target}
      title={(p) => (p.mode === "delete" ? "Delete error group" : "Requeue error group")}
      confirmLabel={(p) => (p.mode === "delete" ? "Delete group" : "Requeue group")}
      danger={(p) => p.mode === "delete"}
      onConfirm={move}
      onClose={props.onClose}
    >
      {({ group, mode }) => (
        <>
          <p>
            {mode === "delete" ? "Delete" : "Requeue"} the {plural(group.count, "message")} of this
            group{mode === "requeue" ? " to the work queue" : ""}?
            {mode === "delete" && " They cannot be brought back."}
          </p>
          <p className="break-words font-mono text-xs">
            {preview(group.errorType, 80)}: {preview(group.pattern, 300)}
          </p>
          <p className="text-zinc-600 dark:text-zinc-400">
            The whole DLQ is searched for the group, so the number moved may differ from the count
            above.
          </p>
        </>
      )}
    </Confirm>
  );
}
