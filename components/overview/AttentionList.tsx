"use client";

import Link from "next/link";
import type { InsightsResponse, QueueOverview } from "@/lib/metrics/types";
import { fmtDuration, fmtInt } from "../format";
import { Badge } from "../ui";
import { needsAttention, type Reason } from "./attention";
import { signed } from "./numbers";

/** Queues listed at most; the rest are in the table below, sorted as the admin likes. */
const SHOWN = 10;

const TONES: Record<Reason["kind"], "red" | "amber" | "neutral"> = {
  alert: "red",
  growing: "amber",
  unreviewed: "amber",
  old: "neutral",
};

/**
 * The browser's Element Timing API reports when the first row's name was
 * painted: what `npm run bench -- ui --only many` measures (not in React's
 * types, hence spread).
 */
const FIRST_ROW_TIMING = { elementtiming: "needs-attention" } as Record<string, string>;

/**
 * The overview's first answer with many queues: which ones need a look, and
 * why (alert, growing, failed since the last review, an old dead letter).
 */
export function AttentionList(props: {
  queues: QueueOverview[];
  insights: InsightsResponse | undefined;
}) {
  const rows = needsAttention(props.queues, props.insights, {
    growth: (g) => `${signed(g)} / h`,
    age: (s) => fmtDuration(s),
  });
  return (
    <section aria-labelledby="attention-title" className="flex flex-col gap-2">
      <h2 id="attention-title" className="text-lg font-semibold">
        Needs attention ({fmtInt(rows.length)})
      </h2>
      {rows.length === 0 ? (
        <p className="text-sm text-zinc-600 dark:text-zinc-400">
          No queue has an alert, a growing DLQ, unreviewed failures or an old dead letter.
        </p>
      ) : (
        <ul className="divide-y divide-zinc-200 rounded-lg border border-zinc-200 bg-white dark:divide-zinc-800 dark:border-zinc-800 dark:bg-zinc-900">
          {rows.slice(0, SHOWN).map(({ queue: q, reasons }, i) => (
            <li
              key={q.queue}
              data-attention={q.queue}
              className="flex flex-wrap items-center gap-x-3 gap-y-1 px-3 py-2 text-sm"
            >
              <Link
                href={`/queues/${encodeURIComponent(q.queue)}`}
                className="min-w-0 break-all font-medium hover:underline"
                {...(i === 0 ? FIRST_ROW_TIMING : {})}
              >
                {q.queue}
              </Link>
              <span className="tabular-nums text-zinc-600 dark:text-zinc-400">
                {fmtInt(q.dlq)} dead
              </span>
              {reasons.map((r) => (
                <Badge key={`${r.kind}:${r.text}`} tone={TONES[r.kind]}>
                  {r.text}
                </Badge>
              ))}
            </li>
          ))}
        </ul>
      )}
      {rows.length > SHOWN && (
        <p className="text-xs text-zinc-600 dark:text-zinc-400">
          {fmtInt(rows.length - SHOWN)} more: sort the table below by growth, oldest or last review.
        </p>
      )}
    </section>
  );
}
