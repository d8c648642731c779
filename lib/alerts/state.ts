import "server-only";
import { ownKey } from "../own-keys";
import type { EngineContext } from "../queues/context";
import type { QueueAlert } from "../metrics/types";

/**
 * Which alerts are firing, shared by every worker instance, so that each
 * change is announced once whatever the number of workers:
 *
 *   HASH redrive:alerts:active  "<queue>:<kind>" -> {"since","alert"} of a firing alert
 *   HASH redrive:alerts:clear   "<queue>:<kind>" -> when its condition was first seen clear
 *
 * An alert starts for the instance whose HSETNX creates its field, and
 * resolves for the one whose HDEL removes it: Redis runs each command whole,
 * so exactly one instance wins either change. "Resolved" waits until the
 * condition has stayed clear REDRIVE_ALERT_RESOLVE_SECONDS, so that a DLQ
 * hovering at its threshold does not announce itself every check. Both
 * hashes hold at most one field per queue and kind.
 */
export const activeAlertsKey = (c: EngineContext["config"]) => ownKey(c, "alerts:active");
export const clearAlertsKey = (c: EngineContext["config"]) => ownKey(c, "alerts:clear");

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

/** Claims the start of each alert not yet firing; its condition being back cancels a pending resolve. */
async function claimStarts(
  ctx: EngineContext,
  alerts: QueueAlert[],
  active: Record<string, string>,
  now: number,
): Promise<AlertChange[]> {
  const changes: AlertChange[] = [];
  for (const alert of alerts) {
    const id = idOf(alert);
    if (active[id] === undefined) {
      const value = JSON.stringify({ since: now, alert } satisfies Active);
      if ((await ctx.redis.hsetnx(activeAlertsKey(ctx.config), id, value)) === 1) {
        changes.push({ state: "firing", alert, since: now });
      }
    }
    await ctx.redis.hdel(clearAlertsKey(ctx.config), id);
  }
  return changes;
}

/** Claims the end of each firing alert whose condition stayed clear long enough. */
async function claimEnds(
  ctx: EngineContext,
  firing: Set<string>,
  active: Record<string, string>,
  now: number,
): Promise<AlertChange[]> {
  const changes: AlertChange[] = [];
  const wait = ctx.config.REDRIVE_ALERT_RESOLVE_SECONDS;
  for (const [id, text] of Object.entries(active)) {
    if (firing.has(id)) continue;
    const clearKey = clearAlertsKey(ctx.config);
    await ctx.redis.hsetnx(clearKey, id, String(now));
    const clearSince = Number(await ctx.redis.hget(clearKey, id)) || now;
    if (now - clearSince < wait) continue;
    if ((await ctx.redis.hdel(activeAlertsKey(ctx.config), id)) === 1) {
      const { since, alert } = parseActive(text, id, now);
      changes.push({ state: "resolved", alert, since });
    }
    await ctx.redis.hdel(clearKey, id);
  }
  return changes;
}

/** The alert changes this instance won, given the alerts firing now. */
export async function claimChanges(
  ctx: EngineContext,
  alerts: QueueAlert[],
  now: number,
): Promise<AlertChange[]> {
  // Bounded: one field per configured queue and kind (and any a removed queue left).
  const active = await ctx.redis.hgetall(activeAlertsKey(ctx.config));
  const starts = await claimStarts(ctx, alerts, active, now);
  const ends = await claimEnds(ctx, new Set(alerts.map(idOf)), active, now);
  return [...starts, ...ends];
}
