import type { InsightsResponse } from "../metrics/types";
import type { Notice } from "./format";
import type { AlertChange } from "./state";

/** What a chat shows for an alert change and for the digest (./format.ts turns it into a body). */

const KIND_NAMES = {
  dlq_size: "DLQ size",
  dlq_growth: "DLQ growth",
  dlq_age: "oldest dead letter",
} as const;

/** The queue's dashboard page, when the dashboard's public URL (NEXTAUTH_URL) is known. */
export function queueLink(base: string | undefined, queue: string): Notice["link"] {
  if (!base) return undefined;
  const url = new URL(
    `queues/${encodeURIComponent(queue)}`,
    base.endsWith("/") ? base : `${base}/`,
  );
  return { url: url.toString(), label: `Open ${queue} in Redrive` };
}

function duration(seconds: number): string {
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

export function alertNotice(change: AlertChange, base: string | undefined, now: number): Notice {
  const { alert } = change;
  const what = `${alert.queue}: ${KIND_NAMES[alert.kind] ?? alert.kind}`;
  const firing = change.state === "firing";
  return {
    event: firing ? "alert.firing" : "alert.resolved",
    title: firing ? `Redrive alert: ${what}` : `Resolved: ${what}`,
    lines: firing
      ? [alert.message]
      : [`Back under the threshold after ${duration(now - change.since)} (was: ${alert.message})`],
    link: queueLink(base, alert.queue),
    data: { alert: { ...alert, state: change.state, since: change.since } },
  };
}

/** The digest of what failed since each queue's last review; null when nothing is new. */
export function digestNotice(
  insights: InsightsResponse,
  date: string,
  base: string | undefined,
): Notice | null {
  const queues = insights.queues
    .map((q) => ({
      queue: q.queue,
      count: q.sinceReview ? q.sinceReview.count : q.total,
      atLeast: q.sinceReview?.atLeast ?? false,
      groups: (q.sinceReview ? q.sinceReview.newGroups : q.topErrors).slice(0, 3),
      reviewed: q.sinceReview !== null,
    }))
    .filter((q) => q.count > 0);
  if (queues.length === 0) return null;
  const lines = queues.flatMap((q) => [
    `${q.queue}: ${q.atLeast ? "at least " : ""}${q.count} failed ${q.reviewed ? "since the last review" : "(never reviewed)"}${base ? ` ${queueLink(base, q.queue)!.url}` : ""}`,
    ...q.groups.map((g) => `  ${g.count} × ${g.errorType}: ${g.pattern}`),
  ]);
  return {
    event: "digest",
    title: `Redrive daily digest, ${date}`,
    lines,
    link: base ? { url: base, label: "Open Redrive" } : undefined,
    data: {
      date,
      queues: queues.map((q) => ({
        queue: q.queue,
        failed: q.count,
        atLeast: q.atLeast,
        newErrors: q.groups.map((g) => ({
          errorType: g.errorType,
          pattern: g.pattern,
          count: g.count,
        })),
      })),
    },
  };
}
