"use client";

import type { ReactNode } from "react";
import type { NamespaceStats } from "@/lib/cache/types";
import { fmtBytes, fmtDuration, fmtInt, fmtPercent } from "../format";
import { Badge, Button, table, TableScroll } from "../ui";
import { HitRateBar } from "./HitRateBar";

const num = `${table.td} whitespace-nowrap text-right tabular-nums`;
const numTh = `${table.th} text-right`;

/**
 * Every cache namespace with its estimated size and shared hit/miss counters,
 * and Redrive's own keys in a separate section so that their memory is not
 * read as cache.
 */
export function NamespaceTable(props: {
  namespaces: NamespaceStats[];
  redriveKeys: NamespaceStats;
  exact: boolean;
  canClear: boolean;
  onClear: (ns: NamespaceStats) => void;
}) {
  const est = props.exact ? "" : " (est.)";
  const cols = props.canClear ? 9 : 8;
  return (
    <TableScroll label="Namespace table">
      <table aria-label="Cache namespaces" className={table.table}>
        <thead className={table.head}>
          <tr>
            <th scope="col" className={table.th}>
              Namespace
            </th>
            <th scope="col" className={table.th}>
              Prefix
            </th>
            <th scope="col" className={numTh} title="The TTL the cache gives this namespace's keys">
              TTL
            </th>
            <th scope="col" className={numTh} title="Scaled up from the SCAN sample">
              Keys{est}
            </th>
            <th
              scope="col"
              className={numTh}
              title="MEMORY USAGE summed over the sample, scaled up"
            >
              Memory{est}
            </th>
            <th scope="col" className={numTh} title="Reads served from the cache, all processes">
              Hits
            </th>
            <th scope="col" className={numTh} title="Reads that had to load the value">
              Misses
            </th>
            <th
              scope="col"
              className={numTh}
              title="Hits ÷ (hits + misses) since the counters were created"
            >
              Hit rate
            </th>
            {props.canClear && (
              <th scope="col" className={table.th}>
                <span className="sr-only">Actions</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {props.namespaces.map((n) => (
            <Row key={n.namespace} ns={n}>
              {props.canClear && (
                <td className={`${table.td} text-right`}>
                  {/* "other" has no prefix: the API cannot clear it, so no button. */}
                  {n.prefix !== null && (
                    <Button
                      className="py-1 text-xs"
                      aria-label={`Clear namespace ${n.namespace}`}
                      onClick={() => props.onClear(n)}
                    >
                      Clear
                    </Button>
                  )}
                </td>
              )}
            </Row>
          ))}
        </tbody>
        <tbody className="border-t-2 border-zinc-300 dark:border-zinc-700">
          <tr>
            <th
              scope="colgroup"
              colSpan={cols}
              className="bg-zinc-50 px-3 py-1.5 text-left text-xs font-medium text-zinc-600 dark:bg-zinc-900 dark:text-zinc-400"
            >
              Not cache: Redrive&apos;s own keys, never cleared from here
            </th>
          </tr>
          <Row ns={props.redriveKeys} redrive>
            {props.canClear && <td className={table.td} />}
          </Row>
        </tbody>
      </table>
    </TableScroll>
  );
}

function Row(props: { ns: NamespaceStats; redrive?: boolean; children?: ReactNode }) {
  const n = props.ns;
  const counted = n.hits + n.misses > 0;
  return (
    <tr className={table.row}>
      <th scope="row" className={`${table.td} text-left font-normal`}>
        <div className="font-medium">{n.label}</div>
        <div className="flex items-center gap-1.5 text-xs text-zinc-600 dark:text-zinc-400">
          {props.redrive ? <Badge tone="blue">not cache</Badge> : <code>{n.namespace}</code>}
        </div>
      </th>
      <td className={table.td}>
        {n.prefix ? (
          <code className="font-mono text-xs">{n.prefix}*</code>
        ) : (
          <span className="text-xs text-zinc-600 dark:text-zinc-400">
            {props.redrive ? "queues, retries, DLQs, redrive:*" : "any other key"}
          </span>
        )}
      </td>
      <td className={num}>{fmtDuration(n.ttlSeconds)}</td>
      <td className={num}>{fmtInt(n.estimatedKeys)}</td>
      <td className={num}>{fmtBytes(n.estimatedBytes)}</td>
      <td className={num}>{props.redrive ? "–" : fmtInt(n.hits)}</td>
      <td className={num}>{props.redrive ? "–" : fmtInt(n.misses)}</td>
      <td className={num}>
        {counted && !props.redrive ? (
          <div className="flex items-center justify-end gap-2">
            <HitRateBar rate={n.hitRate} className="w-16" />
            <span className="w-14">{fmtPercent(n.hitRate)}</span>
          </div>
        ) : (
          <span className="text-xs text-zinc-600 dark:text-zinc-400">
            {props.redrive ? "–" : "no reads"}
          </span>
        )}
      </td>
      {props.children}
    </tr>
  );
}
