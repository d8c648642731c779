"use client";

import { useCallback, useMemo, useState, type ReactNode } from "react";
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
import { GroupNote } from "../GroupNote";
import { NoteDialog } from "./NoteDialog";
import { RequeueWith } from "./RequeueWith";
import { plural, preview } from "./text";

interface Pending {
  group: ErrorGroup;
  mode: MoveMode;
}

const when = (at: number | null) =>
  at === null ? <span className="text-zinc-600 dark:text-zinc-400">–</span> : <Ago at={at} />;

const BASE_COLUMNS: Column<ErrorGroup>[] = [
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

/** The columns, with the admins' notes (`now`: when the groups were computed). */
function columnsAt(now: number): Column<ErrorGroup>[] {
  return [
    ...BASE_COLUMNS,
    {
      id: "note",
      header: "Note",
      phone: "full",
      className: "min-w-40 max-w-72",
      cell: (g) => (g.note ? <GroupNote note={g.note} now={now} group={g.errorType} /> : null),
    },
  ];
}

const FILTER: TableFilter<ErrorGroup> = {
  label: "Filter error groups",
  placeholder: "Filter by error type or message",
  text: (g) => `${g.errorType} ${g.pattern} ${g.example} ${g.note?.note ?? ""}`,
};

/** The DLQ's failures grouped by type and normalised message, largest first; known groups apart. */
export function ErrorGroupsTab() {
  const { queue, isAdmin } = useQueue();
  const { viewer } = useDashboard();
  const { data, error } = useErrorGroups(queue);
  const confirm = useConfirm<Pending>();
  const [withOptions, setWithOptions] = useState<ErrorGroup | null>(null);
  const [noting, setNoting] = useState<ErrorGroup | null>(null);
  const computedAt = data?.computedAt ?? 0;
  const columns = useMemo(() => columnsAt(computedAt), [computedAt]);
  const groups = data?.groups ?? NONE;
  const open = useMemo(() => groups.filter((g) => !g.note?.known), [groups]);
  const known = useMemo(() => groups.filter((g) => g.note?.known), [groups]);
  const rowActions = useGroupActions({ ask: confirm.ask, setWithOptions, setNoting });
  const table = {
    columns,
    actions: isAdmin || viewer.canExport ? rowActions : undefined,
  };

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
      <GroupTable
        {...table}
        label={`Error groups of ${queue}`}
        rows={open}
        filter={FILTER}
        empty={
          !data
            ? "Loading…"
            : known.length > 0
              ? "Only known groups."
              : "No errors: the DLQ is empty."
        }
      />
      {known.length > 0 && (
        <section aria-label="Known error groups" className="space-y-2">
          <h3 className="text-sm font-semibold">Known ({known.length})</h3>
          <GroupTable {...table} label={`Known error groups of ${queue}`} rows={known} empty="" />
        </section>
      )}
      <GroupConfirm target={confirm.target} onClose={confirm.close} />
      {noting && <NoteDialog group={noting} onClose={() => setNoting(null)} />}
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

function GroupTable(props: {
  label: string;
  rows: ErrorGroup[];
  columns: Column<ErrorGroup>[];
  filter?: TableFilter<ErrorGroup>;
  empty: string;
  actions: ((g: ErrorGroup) => ReactNode[]) | undefined;
}) {
  return (
    <DataTable
      label={props.label}
      scrollLabel={`${props.label}, scrollable`}
      rows={props.rows}
      rowKey={(g) => g.id}
      columns={props.columns}
      filter={props.filter}
      initialSort={{ id: "count", direction: "desc" }}
      empty={props.empty}
      actions={props.actions}
      stackOnPhone
      middle
    />
  );
}

/** A row's buttons: requeue, delete, options and note for an admin; export for an exporter. */
function useGroupActions(set: {
  ask: (p: Pending) => void;
  setWithOptions: (g: ErrorGroup) => void;
  setNoting: (g: ErrorGroup) => void;
}) {
  const { queue, isAdmin } = useQueue();
  const { ask, setWithOptions, setNoting } = set;
  return useCallback(
    (g: ErrorGroup) => {
      const what = `${g.errorType}: ${preview(g.pattern, 80)}`;
      const button = (key: string, label: string, aria: string, onClick: () => void) => (
        <Button key={key} className="py-0.5" aria-label={aria} onClick={onClick}>
          {label}
        </Button>
      );
      const admin = isAdmin
        ? [
            button("requeue", "Requeue", `Requeue ${plural(g.count, "message")} of ${what}`, () =>
              ask({ group: g, mode: "requeue" }),
            ),
            button("delete", "Delete", `Delete ${plural(g.count, "message")} of ${what}`, () =>
              ask({ group: g, mode: "delete" }),
            ),
          ]
        : [];
      const more = isAdmin
        ? [
            button("options", "Options…", `Requeue with options: ${what}`, () => setWithOptions(g)),
            button("note", "Note…", `Note on ${what}`, () => setNoting(g)),
          ]
        : [];
      const exporting = (
        <ExportLink
          key="export"
          className="py-0.5"
          href={exportPath(queue, { group: g.id })}
          label={`Export the messages of ${what}`}
        >
          Export
        </ExportLink>
      );
      return [...admin, exporting, ...more];
    },
    [ask, queue, isAdmin, setWithOptions, setNoting],
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
