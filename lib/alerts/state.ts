import "server-only";
import { ownKey } from "../own-keys";
import type { EngineContext } from "../queues/context";
import type { QueueAlert } from "../metrics/types";
import type { Notice } from "./format";
import { addedNotice, OUTBOX_MAX, outboxStep, queued } from "./outbox";

/**
 * Which alerts are firing, shared by every worker instance, so that each
 * change is announced once whatever the number of workers:
 *
 *   HASH redrive:{alerts}:active  "<queue>:<kind>" -> {"since","alert"} of a firing alert
 *   HASH redrive:{alerts}:clear   "<queue>:<kind>" -> when its condition was first seen clear
 *
 * An alert starts for the instance whose HSETNX creates its field, and
 * resolves for the one whose call removes it: each is one script call
 * (alertOutbox), which also puts the change's notice in the outbox, so
 * exactly one instance wins either change and its notice cannot be lost
 * between the two (./outbox.ts). "Resolved" waits until the
 * condition has stayed clear REDRIVE_ALERT_RESOLVE_SECONDS, so that a DLQ
 * hovering at its threshold does not announce itself every check. Both
 * hashes hold at most one field per queue and kind.
 */
export const activeAlertsKey = (c: EngineContext["config"]) => ownKey(c, "{alerts}:active");
export const clearAlertsKey = (c: EngineContext["config"]) => ownKey(c, "{alerts}:clear");

export interface AlertChange {
  state: "firing" | "resolved";
  alert: QueueAlert;
  /** When it started firing, epoch seconds. */
  since: number;
}

interface Active {
  since: number;
  alert: QueueAlert;
}

const idOf = (a: Pick<QueueAlert, "queue" | "kind">) => `${a.queue}:${a.kind}`;

function parseActive(text: string, id: string, now: number): Active {
  try {
    const parsed = JSON.parse(text) as Active;
    if (typeof parsed.since === "number" && parsed.alert?.queue) return parsed;
  } catch {
    // Not written by Redrive: resolved like any other, with what the field names.
  }
  const [queue = "?", kind = "dlq_size"] = id.split(":");
  const alert = { queue, kind, value: 0, threshold: 0, message: "" } as QueueAlert;
  return { since: now, alert };
}

/** Builds a change's notice. */
export type NoticeOf = (change: AlertChange) => Notice;

/** Records a change with its notice in one call; true when this instance won it. */
async function claim(
  ctx: EngineContext,
  op: "start" | "end",
  field: string,
  value: string,
  notice: Notice,
): Promise<boolean> {
  const { id, json } = queued(notice);
  const keys = [activeAlertsKey(ctx.config), clearAlertsKey(ctx.config)];
  return addedNotice(await outboxStep(ctx, keys, [op, field, value, id, json, OUTBOX_MAX]));
}

/** Claims the start of each alert not yet firing; its condition being back cancels a pending resolve. */
async function claimStarts(
  ctx: EngineContext,
  alerts: QueueAlert[],
  active: Record<string, string>,
  now: number,
  noticeOf: NoticeOf,
): Promise<AlertChange[]> {
  const changes: AlertChange[] = [];
  for (const alert of alerts) {
    const id = idOf(alert);
    if (active[id] !== undefined) {
      await ctx.redis.hdel(clearAlertsKey(ctx.config), id);
      continue;
    }
    const change: AlertChange = { state: "firing", alert, since: now };
    const value = JSON.stringify({ since: now, alert } satisfies Active);
    if (await claim(ctx, "start", id, value, noticeOf(change))) changes.push(change);
  }
  return changes;
}

/** Claims the end of each firing alert whose condition stayed clear long enough. */
async function claimEnds(
  ctx: EngineContext,
  firing: Set<string>,
  active: Record<string, string>,
  now: number,
  noticeOf: NoticeOf,
): Promise<AlertChange[]> {
  const changes: AlertChange[] = [];
  const wait = ctx.config.REDRIVE_ALERT_RESOLVE_SECONDS;
  for (const [id, text] of Object.entries(active)) {
    if (firing.has(id)) continue;
    const clearKey = clearAlertsKey(ctx.config);
    await ctx.redis.hsetnx(clearKey, id, String(now));
    const clearSince = Number(await ctx.redis.hget(clearKey, id)) || now;
    if (now - clearSince < wait) continue;
    const { since, alert } = parseActive(text, id, now);
    const change: AlertChange = { state: "resolved", alert, since };
    if (await claim(ctx, "end", id, text, noticeOf(change))) changes.push(change);
  }
  return changes;
}

/** The alert changes this instance won, given the alerts firing now; their notices are in the outbox. */
export async function claimChanges(
  ctx: EngineContext,
  alerts: QueueAlert[],
  now: number,
  noticeOf: NoticeOf,
): Promise<AlertChange[]> {
  // Bounded: one field per configured queue and kind (and any a removed queue left).
  const active = await ctx.redis.hgetall(activeAlertsKey(ctx.config));
  const starts = await claimStarts(ctx, alerts, active, now, noticeOf);
  const ends = await claimEnds(ctx, new Set(alerts.map(idOf)), active, now, noticeOf);
  return [...starts, ...ends];
}
