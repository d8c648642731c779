import type { AuditEntry } from "@/lib/audit/audit";
import type { AuditChanges } from "@/lib/audit/types";
import { DataTable, type Column } from "../table/DataTable";
import { Time } from "../time";
import { IdentityList } from "./IdentityList";
import { ResultBadge } from "./ResultBadge";

const muted = <span className="text-zinc-600 dark:text-zinc-400">–</span>;

/** Newest first, as the server pages them: no column re-sorts a page out of that order. */
const COLUMNS: Column<AuditEntry>[] = [
  {
    id: "time",
    header: "Time",
    className: "whitespace-nowrap tabular-nums",
    cell: (e) => <Time at={e.at} />,
  },
  { id: "user", header: "User", className: "whitespace-nowrap font-medium", cell: (e) => e.user },
  {
    id: "role",
    header: "Role",
    className: "text-zinc-600 dark:text-zinc-400",
    cell: (e) => e.role,
  },
  { id: "action", header: "Action", className: "whitespace-nowrap", cell: (e) => e.action },
  { id: "queue", header: "Queue", cell: (e) => e.queue ?? muted },
  {
    id: "identities",
    header: "Identities / count",
    cell: (e) => <IdentityList identities={e.identities} count={e.count} />,
  },
  { id: "result", header: "Result", cell: (e) => <ResultBadge result={e.result} /> },
  {
    id: "ip",
    header: "Client IP",
    className: "font-mono text-xs whitespace-nowrap",
    cell: (e) => e.ip || "–",
  },
  {
    id: "detail",
    header: "Detail",
    className: "max-w-sm min-w-48 text-xs break-words",
    cell: (e) => (
      <>
        {e.detail ?? (e.diff ? null : muted)}
        {e.diff && <Changes changes={e.changes ?? null} />}
      </>
    ),
  },
];

/** `busy`: the rows are still the previous page's while the next one loads. */
export function AuditTable(props: { entries: AuditEntry[]; empty: string; busy?: boolean }) {
  return (
    <DataTable
      label="Audit log"
      scrollLabel="Audit entries"
      rows={props.entries}
      rowKey={(e) => e.id}
      columns={COLUMNS}
      empty={props.empty}
      busy={props.busy}
    />
  );
}

/** An edit's changes, as the audit keeps them (masked, cut); gone once they expire. */
function Changes({ changes }: { changes: AuditChanges | null }) {
  if (!changes) {
    return (
      <p className="text-zinc-600 dark:text-zinc-400">
        The edit&apos;s changes have expired (they are kept for less time than the log).
      </p>
    );
  }
  return (
    <ul className="mt-1 space-y-0.5 font-mono" aria-label="Changes">
      {changes.changes.map((c) => (
        <li key={c.path} className="break-all">
          {c.path}: {c.before ?? "(absent)"} → {c.after ?? "(removed)"}
        </li>
      ))}
      {changes.more > 0 && <li>and {changes.more} more</li>}
    </ul>
  );
}
