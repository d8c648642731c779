import type { TopKey } from "@/lib/cache/types";
import { fmtBytes } from "../format";
import { table, TableScroll } from "../ui";

/** The largest keys in the sample (cache and other keys; Redrive's own are left out). */
export function TopKeys(props: { keys: TopKey[] }) {
  if (props.keys.length === 0) {
    return <p className="text-sm text-zinc-600 dark:text-zinc-400">No cache keys in the sample.</p>;
  }
  return (
    <TableScroll label="Largest keys" className="max-h-[28rem] overflow-y-auto">
      <table aria-label="Top keys by memory" className={table.table}>
        <thead className={`${table.head} sticky top-0`}>
          <tr>
            <th scope="col" className={table.th}>
              Key
            </th>
            <th scope="col" className={table.th}>
              Namespace
            </th>
            <th scope="col" className={`${table.th} text-right`}>
              Memory
            </th>
          </tr>
        </thead>
        <tbody>
          {props.keys.map((k) => (
            <tr key={k.key} className={table.row}>
              <td className={`${table.td} max-w-[32rem] font-mono text-xs break-all`}>{k.key}</td>
              <td className={`${table.td} text-xs`}>
                <code>{k.namespace}</code>
              </td>
              <td className={`${table.td} text-right tabular-nums`}>{fmtBytes(k.bytes)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}
