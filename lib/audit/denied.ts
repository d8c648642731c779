import type { RedisClient } from "../redis/client";
import { execEachKey } from "../redis/pipeline";
import { logLine } from "../log";
import {
  DENIED_MINUTES_MAX,
  type AuditOptions,
  type AuditRecord,
  type DeniedRow,
  type DeniedSummary,
} from "./types";
import { runScript } from "../redis/scripts";
import { ownKey, type KeyPrefix } from "../own-keys";

/**
 * Denied mutations (a viewer's 403s, an admin's cross-site attempts), kept
 * apart from the admin actions and bounded whoever sends them:
 *
 * - Redis counts them per minute, user and action, in one hash per minute
 *   (`redrive:audit:denied:<epoch-minute>`, field `["user","action"]`, at most
 *   DENIED_FIELDS_MAX fields and one "overflow"), kept AUDIT_DENIED_RETENTION_DAYS;
 * - the first DENIED_SAMPLES of each of those counts are also kept in full in
 *   the stream `redrive:audit:denials` (about SAMPLES_MAX entries), which the
 *   audit log shows beside the admin actions;
 * - stdout gets the first DENIED_LOG_LINES denials of a user per minute in
 *   full, then one summary line when the minute ends (per process).
 *
 * Requests without a session never get here: they cannot write to Redis.
 */
/** One hash per minute: `<prefix>:audit:denied:<epoch-minute>`. */
export const deniedMinuteKey = (c: KeyPrefix, minute: number) =>
  ownKey(c, `audit:denied:${minute}`);
export const denialsKey = (c: KeyPrefix) => ownKey(c, "audit:denials");
export const DENIED_FIELDS_MAX = 1_000;
export const DENIED_OVERFLOW_FIELD = "overflow";
export const DENIED_SAMPLES = 3;
export const DENIED_LOG_LINES = 3;
const SAMPLES_MAX = 1_000;
/** Users tracked per minute by one process's log limiter; more share one count. */
const LOG_USERS_MAX = 1_000;
const OTHER_USERS = "(other users)";

/** The reading API's bounds: a day of minutes, and rows. */
export const DENIED_ROWS_MAX = 2_000;

const MINUTE_MS = 60_000;

/** Counts one denial (and keeps it in full if it is among the minute's first). Never rejects. */
export async function recordDenial(
  redis: RedisClient,
  record: AuditRecord,
  options: AuditOptions,
  now = Date.now(),
): Promise<string> {
  logDenial(record, now);
  const minute = Math.floor(now / MINUTE_MS);
  const retentionSeconds = Math.round(options.deniedRetentionDays * 86_400);
  try {
    const [count, overflow] = (await runScript(
      redis,
      "countDenial",
      [deniedMinuteKey(options, minute)],
      [JSON.stringify([record.user, record.action]), DENIED_FIELDS_MAX, retentionSeconds],
    )) as [number, number];
    if (overflow || count > DENIED_SAMPLES) return "";
    const ids = (await runScript(
      redis,
      "appendAudit",
      [denialsKey(options)],
      [SAMPLES_MAX, retentionSeconds * 1000, JSON.stringify({ ...record, at: now / 1000 })],
    )) as string[];
    return ids[0] ?? "";
  } catch (error) {
    logLine("error", "audit denied write failed", {
      error: error instanceof Error ? error.message : String(error),
    });
    return "";
  }
}

export type { DeniedRow, DeniedSummary } from "./types";

/** The last `minutes` minutes' counts (this one included), newest minute first. */
export async function readDenied(
  redis: RedisClient,
  minutes: number,
  now = Date.now(),
  config: KeyPrefix = { REDRIVE_KEY_PREFIX: "redrive" },
): Promise<DeniedSummary> {
  const span = Math.max(1, Math.min(DENIED_MINUTES_MAX, Math.floor(minutes)));
  const last = Math.floor(now / MINUTE_MS);
  const rows: DeniedRow[] = [];
  for (let start = 0; start < span && rows.length <= DENIED_ROWS_MAX; start += 60) {
    const batch = Array.from({ length: Math.min(60, span - start) }, (_, i) => last - start - i);
    // One key per minute, each in its own Cluster slot: grouped by slot there.
    const keys = batch.map((m) => deniedMinuteKey(config, m));
    const replies = await execEachKey(redis, keys, (p, key) => p.hgetall(key));
    batch.forEach((m, i) => {
      const hash = replies[i];
      const minuteRows = Object.entries((hash ?? {}) as Record<string, string>).map(
        // HINCRBY writes them; a value that is not a number (by hand) counts as none.
        ([field, count]) => toRow(m, field, Number(count) || 0),
      );
      rows.push(...minuteRows.sort((a, b) => b.count - a.count));
    });
  }
  return {
    minutes: span,
    rows: rows.slice(0, DENIED_ROWS_MAX),
    truncated: rows.length > DENIED_ROWS_MAX,
  };
}

function toRow(minute: number, field: string, count: number): DeniedRow {
  const at = (minute * MINUTE_MS) / 1000;
  if (field === DENIED_OVERFLOW_FIELD) {
    return { minute: at, user: OTHER_USERS, action: "(any)", count, overflow: true };
  }
  try {
    const [user, action] = JSON.parse(field) as [unknown, unknown];
    return { minute: at, user: String(user), action: String(action), count };
  } catch {
    return { minute: at, user: "?", action: field.slice(0, 100), count };
  }
}

interface LogState {
  /** Per minute, per user: denials seen by this process. */
  minutes: Map<number, Map<string, number>>;
  timer?: NodeJS.Timeout;
}

const holder = globalThis as unknown as { redriveDeniedLog?: LogState };

function logState(): LogState {
  holder.redriveDeniedLog ??= { minutes: new Map() };
  return holder.redriveDeniedLog;
}

function logDenial(record: AuditRecord, now: number): void {
  const state = logState();
  const minute = Math.floor(now / MINUTE_MS);
  let users = state.minutes.get(minute);
  if (!users) state.minutes.set(minute, (users = new Map()));
  const key = users.has(record.user) || users.size < LOG_USERS_MAX ? record.user : OTHER_USERS;
  const seen = (users.get(key) ?? 0) + 1;
  users.set(key, seen);
  if (seen <= DENIED_LOG_LINES) logLine("info", "audit", { ...record });
  schedule(state, now);
}

function schedule(state: LogState, now: number): void {
  if (state.timer || state.minutes.size === 0) return;
  const first = Math.min(...state.minutes.keys());
  const delay = Math.max(0, (first + 1) * MINUTE_MS - now) + 100;
  state.timer = setTimeout(() => {
    state.timer = undefined;
    flushDeniedLog(Date.now());
  }, delay);
  // A pending summary must not keep a process alive that is otherwise done.
  state.timer.unref();
}

/**
 * Writes the summary line of every user whose denials were cut short in a
 * minute before `now`'s, and forgets those minutes. The timer calls it.
 */
export function flushDeniedLog(now = Date.now()): void {
  const state = logState();
  const current = Math.floor(now / MINUTE_MS);
  for (const [minute, users] of state.minutes) {
    if (minute >= current) continue;
    for (const [user, count] of users) {
      if (count <= DENIED_LOG_LINES) continue;
      logLine("info", "audit denied summary", {
        user,
        count,
        suppressed: count - DENIED_LOG_LINES,
        minute: new Date(minute * MINUTE_MS).toISOString(),
      });
    }
    state.minutes.delete(minute);
  }
  schedule(state, now);
}
