"use client";

import { pathText as pathLabel, type EditPreviewResponse } from "@/lib/http/types";
import { table } from "../ui";

type Change = EditPreviewResponse["sample"][number];

/** Fields an edit changes, each with its value before and after (JSON text). */
export function ChangeList(props: { changes: Change[]; label: string }) {
  return (
    <div className="max-h-80 overflow-auto rounded-md border border-zinc-200 dark:border-zinc-800">
      <table className="w-full text-left text-xs" aria-label={props.label}>
        <thead className={table.head}>
          <tr>
            <th className="px-2 py-1.5">Field</th>
            <th className="px-2 py-1.5">Before</th>
            <th className="px-2 py-1.5">After</th>
          </tr>
        </thead>
        <tbody className="font-mono">
          {props.changes.map((c) => (
            <tr
              key={pathLabel(c.path)}
              className="border-t border-zinc-200 align-top dark:border-zinc-800"
            >
              <th scope="row" className="px-2 py-1.5 font-semibold break-all">
                {pathLabel(c.path)}
              </th>
              <td className="px-2 py-1.5 break-all text-red-800 dark:text-red-300">
                {c.before === null ? (
                  <em className="font-sans">(absent)</em>
                ) : (
                  <del>{c.before}</del>
                )}
              </td>
              <td className="px-2 py-1.5 break-all text-emerald-800 dark:text-emerald-300">
                {c.after === null ? <em className="font-sans">(removed)</em> : <ins>{c.after}</ins>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
