import type { AuditEntry } from "@/lib/audit/audit";
import { table, TableScroll } from "../ui";
import { AuditRow } from "./AuditRow";

const COLUMNS = [
  "Time",
  "User",
  "Role",
  "Action",
  "Queue",
  "Identities / count",
  "Result",
  "Client IP",
  "Detail",
];

/** `busy`: the rows are still the previous page's while the next one loads. */
export function AuditTable(props: { entries: AuditEntry[]; empty: string; busy?: boolean }) {
  return (
    <TableScroll label="Audit entries">
      <table
        aria-label="Audit log"
        aria-busy={props.busy || undefined}
        className={`${table.table} transition-opacity ${props.busy ? "opacity-50" : ""}`}
      >
        <thead className={table.head}>
          <tr>
            {COLUMNS.map((c) => (
              <th key={c} scope="col" className={`${table.th} whitespace-nowrap`}>
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.entries.map((e) => (
            <AuditRow key={e.id} entry={e} />
          ))}
          {props.entries.length === 0 && (
            <tr className={table.row}>
              <td
                colSpan={COLUMNS.length}
                className={`${table.td} py-6 text-center text-zinc-600 dark:text-zinc-400`}
              >
                {props.empty}
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </TableScroll>
  );
}
