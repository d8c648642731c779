import type { AlertThresholds } from "../config";
import type { QueueStats } from "../queues/types";
import type { QueueAlert } from "./types";

/**
 * The Python backend's "alert on DLQ growth": a queue is in alert when its DLQ is larger
 * than ALERT_DLQ_SIZE, grew by more than ALERT_DLQ_GROWTH_PER_HOUR over the last
 * hour of history, or holds an entry older than ALERT_DLQ_AGE_HOURS.
 */
export function alertsOf(
  stats: QueueStats,
  thresholds: AlertThresholds,
  growthPerHour: number | null,
  knownLastHour = 0,
): QueueAlert[] {
  const out: QueueAlert[] = [];
  const { queue } = stats;
  if (thresholds.dlqSize > 0 && stats.dlq > thresholds.dlqSize) {
    out.push({
      queue,
      kind: "dlq_size",
      value: stats.dlq,
      threshold: thresholds.dlqSize,
      message: `${stats.dlq} messages in the DLQ (alert above ${thresholds.dlqSize})`,
    });
  }
  // Failures in groups an admin marked known are left out of the growth (./known.ts).
  const growth = growthPerHour === null ? null : Math.max(0, growthPerHour - knownLastHour);
  if (thresholds.growthPerHour > 0 && growth !== null && growth > thresholds.growthPerHour) {
    out.push({
      queue,
      kind: "dlq_growth",
      value: growth,
      threshold: thresholds.growthPerHour,
      message: `DLQ grew by ${Math.round(growth)} in the last hour (alert above ${thresholds.growthPerHour})${knownLastHour > 0 ? `; ${Math.round(knownLastHour)} failures in known groups left out` : ""}`,
    });
  }
  const ageHours = (stats.oldestDlqAgeSeconds ?? 0) / 3600;
  if (thresholds.oldestAgeHours > 0 && ageHours > thresholds.oldestAgeHours) {
    out.push({
      queue,
      kind: "dlq_age",
      value: ageHours,
      threshold: thresholds.oldestAgeHours,
      message: `oldest DLQ entry is ${ageHours.toFixed(1)} h old (alert above ${thresholds.oldestAgeHours} h)`,
    });
  }
  return out;
}

/**
 * DLQ growth over the last hour, from the 10 s history: the length now minus
 * the length at the hour's first sample (`first`), scaled up when the history is shorter than an hour
 * (at least 5 minutes of it, else null: too little to tell).
 */
export function growthPerHour(
  first: { t: number; dlq: number } | null,
  dlqNow: number,
  now: number,
): number | null {
  if (!first) return null;
  // To now, not to the last sample: the length is read now, and a worker that
  // stopped sampling a while ago must not make an hour's growth look sudden.
  const span = now - first.t;
  if (span < 300) return null;
  return ((dlqNow - first.dlq) * 3600) / span;
}
