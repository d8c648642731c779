"use client";

import { useDashboard } from "../DashboardProvider";
import { fmtDuration, fmtInt } from "../format";
import { TAB_LIMIT, togglePin, usePins } from "../queues-nav";
import { useFmtTime } from "../time";
import { Button } from "../ui";
import { useAction, useQueue } from "./context";
import { markReviewed as markQueueReviewed, useDlqStats, useReview } from "./data";
import { fmtRelative } from "./text";

/** With many queues, pins this one to the header (in this browser). */
function PinButton(props: { queue: string }) {
  const { queues } = useDashboard();
  const pins = usePins(queues);
  if (queues.length <= TAB_LIMIT) return null;
  const pinned = pins.includes(props.queue);
  return (
    <Button tone="ghost" aria-pressed={pinned} onClick={() => togglePin(props.queue, pins)}>
      {pinned ? "Unpin from header" : "Pin to header"}
    </Button>
  );
}

/** Queue name, its counts, and the daily review mark. */
export function QueueHeader() {
  const fmtTime = useFmtTime();
  const { queue, isAdmin } = useQueue();
  const { data: stats } = useDlqStats();
  const { data: reviewed } = useReview(queue);
  const s = stats?.queues.find((q) => q.queue === queue);
  const review = reviewed?.review ?? null;
  const { busy, run } = useAction();

  const markReviewed = () =>
    void run(
      () => markQueueReviewed(queue),
      (r) => `Marked ${queue} as reviewed at ${fmtTime(r.review.at)}.`,
    );

  return (
    <header className="mb-6 space-y-4">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0">
          <h1 className="break-all text-xl font-semibold">{queue}</h1>
          <p className="text-sm text-zinc-600 dark:text-zinc-400">
            {review ? (
              <span title={fmtTime(review.at)}>
                Last reviewed {fmtRelative(review.at)} by {review.by}
              </span>
            ) : reviewed ? (
              "Never reviewed"
            ) : (
              " "
            )}
          </p>
        </div>
        <div className="flex flex-wrap gap-2">
          <PinButton queue={queue} />
          {isAdmin && (
            <Button onClick={markReviewed} disabled={busy}>
              Mark reviewed
            </Button>
          )}
        </div>
      </div>
      <dl className="grid grid-cols-2 gap-3 rounded-lg border border-zinc-200 bg-white p-4 shadow-sm sm:grid-cols-3 lg:grid-cols-5 dark:border-zinc-800 dark:bg-zinc-900">
        <Count label="Work" value={fmtInt(s?.work)} />
        <Count label="Processing" value={fmtInt(s?.processing)} />
        <Count
          label="Retry"
          value={fmtInt(s?.retry)}
          hint={
            s && s.retryDue > 0
              ? `${fmtInt(s.retryDue)} due now`
              : s?.nextRetryAt
                ? `next ${fmtRelative(s.nextRetryAt)}`
                : undefined
          }
        />
        <Count label="DLQ" value={fmtInt(s?.dlq)} red={(s?.dlq ?? 0) > 0} />
        <Count
          label="Oldest DLQ entry"
          value={s?.oldestDlqAgeSeconds == null ? "–" : fmtDuration(s.oldestDlqAgeSeconds)}
          hint={s?.oldestDlqAt ? fmtTime(s.oldestDlqAt) : undefined}
        />
      </dl>
    </header>
  );
}

/** Stat inside a definition list, so that each number is read with its label. */
function Count(props: { label: string; value: string; hint?: string; red?: boolean }) {
  return (
    <div>
      <dt className="text-xs text-zinc-600 dark:text-zinc-400">{props.label}</dt>
      <dd
        className={`text-lg font-semibold tabular-nums ${props.red ? "text-red-700 dark:text-red-400" : ""}`}
      >
        {props.value}
      </dd>
      {props.hint && <dd className="text-xs text-zinc-600 dark:text-zinc-400">{props.hint}</dd>}
    </div>
  );
}
