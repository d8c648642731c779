import type { AuditEntry } from "@/lib/audit/audit";
import { Time } from "../time";
import { table } from "../ui";
import { IdentityList } from "./IdentityList";
import { ResultBadge } from "./ResultBadge";

const muted = "text-zinc-600 dark:text-zinc-400";

export function AuditRow(props: { entry: AuditEntry }) {
  const e = props.entry;
  return (
    <tr className={table.row}>
      <td className={`${table.td} whitespace-nowrap tabular-nums`}>
        <Time at={e.at} />
      </td>
      <td className={`${table.td} whitespace-nowrap font-medium`}>{e.user}</td>
      <td className={`${table.td} ${muted}`}>{e.role}</td>
      <td className={`${table.td} whitespace-nowrap`}>{e.action}</td>
      <td className={table.td}>{e.queue ?? <span className={muted}>–</span>}</td>
      <td className={table.td}>
        <IdentityList identities={e.identities} count={e.count} />
      </td>
      <td className={table.td}>
        <ResultBadge result={e.result} />
      </td>
      <td className={`${table.td} font-mono text-xs whitespace-nowrap`}>{e.ip || "–"}</td>
      <td className={`${table.td} max-w-sm min-w-48 text-xs break-words`}>
        {e.detail ?? <span className={muted}>–</span>}
      </td>
    </tr>
  );
}
