import type { InsightsResponse, QueueOverview } from "@/lib/metrics/types";

/**
 * What makes a queue need an admin's look, in the order the overview lists
 * them: an alert first, then a DLQ growing, dead letters that failed since
 * the last review (or a DLQ never reviewed), then a dead letter over a day
 * old. Each queue appears once, with every reason it has.
 */
export interface Attention {
  queue: QueueOverview;
  reasons: Reason[];
  /** Lower first. */
  rank: number;
}

export interface Reason {
  kind: "alert" | "growing" | "unreviewed" | "old";
  text: string;
}

/** A dead letter older than this is worth a look even without an alert. */
const OLD_SECONDS = 86_400;

export function needsAttention(
  queues: QueueOverview[],
  insights: InsightsResponse | undefined,
  describe: { growth: (perHour: number) => string; age: (seconds: number) => string },
): Attention[] {
  const since = new Map(insights?.queues.map((i) => [i.queue, i.sinceReview]) ?? []);
  const out: Attention[] = [];
  for (const q of queues) {
    const reasons: Reason[] = q.alerts.map((a) => ({ kind: "alert", text: a.message }));
    const growth = q.dlqGrowthPerHour ?? 0;
    if (growth >= 1) reasons.push({ kind: "growing", text: describe.growth(growth) });
    const s = since.get(q.queue);
    if (s && s.count > 0) {
      reasons.push({
        kind: "unreviewed",
        text: `${s.count}${s.atLeast ? "+" : ""} new since review`,
      });
    } else if (!q.review && q.dlq > 0) {
      reasons.push({ kind: "unreviewed", text: "never reviewed" });
    }
    const age = q.oldestDlqAgeSeconds ?? 0;
    if (age > OLD_SECONDS) reasons.push({ kind: "old", text: `oldest ${describe.age(age)}` });
    if (reasons.length === 0) continue;
    out.push({ queue: q, reasons, rank: rankOf(reasons, growth, q.dlq) });
  }
  return out.sort((a, b) => a.rank - b.rank || b.queue.dlq - a.queue.dlq);
}

const ORDER: Reason["kind"][] = ["alert", "growing", "unreviewed", "old"];

/** By the most pressing reason; among growing queues, the fastest first. */
function rankOf(reasons: Reason[], growth: number, dlq: number): number {
  const first = Math.min(...reasons.map((r) => ORDER.indexOf(r.kind)));
  const within = first === 1 ? 1 / (1 + growth) : 1 / (1 + dlq);
  return first + within;
}
