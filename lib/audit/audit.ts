import type { RedisClient } from "../redis/client";
import { z } from "zod";
import type { Config } from "../config";
import { logLine } from "../log";
import { denialsKey, recordDenial } from "./denied";
import { readAuditDiffs } from "./diffs";
import { ownKey, type KeyPrefix } from "../own-keys";
import { runScript } from "../redis/scripts";
import { AuditResultSchema } from "./schemas";
import type { AuditEntry, AuditOptions, AuditPage, AuditRecord } from "./types";

/**
 * The audit log. Every mutation is first written as one JSON log line: those
 * lines are the durable record, since anyone with access to Redis can delete
 * a key and an eviction policy can drop one. Redis then holds what the
 * dashboard shows:
 *
 * - an authorised admin's actions (ok, conflict, error) in the stream
 *   `redrive:audit` (one JSON field "e" per entry, so any client can read it),
 *   kept AUDIT_RETENTION_DAYS and at most about AUDIT_MAX_ENTRIES;
 * - denials apart (./denied.ts), counted per user per minute, so that a
 *   viewer's flood of 403s cannot push an admin's action out of the stream.
 *
 * An entry the stream refuses (Redis down, a key of the wrong type) waits in a
 * bounded in-process buffer and is written before the next entry that is.
 */
export const auditKey = (c: KeyPrefix) => ownKey(c, "audit");
export { denialsKey };
export type { AuditEntry, AuditOptions, AuditPage, AuditRecord } from "./types";
/** Identities listed in one entry; beyond that the count says how many. */
const IDENTITIES_MAX = 100;
/** Entries kept in memory while the stream refuses them (the log lines hold all). */
export const PENDING_MAX = 1_000;

export const DEFAULT_AUDIT_OPTIONS: AuditOptions = {
  REDRIVE_KEY_PREFIX: "redrive",
  maxEntries: 100_000,
  retentionDays: 90,
  deniedRetentionDays: 7,
};

export function auditOptions(config: Config): AuditOptions {
  return {
    REDRIVE_KEY_PREFIX: config.REDRIVE_KEY_PREFIX,
    maxEntries: config.AUDIT_MAX_ENTRIES,
    retentionDays: config.AUDIT_RETENTION_DAYS,
    deniedRetentionDays: config.AUDIT_DENIED_RETENTION_DAYS,
  };
}

interface Pending {
  at: number;
  json: string;
}

// On globalThis: route handlers may be bundled with their own copy of this module.
const buffer = globalThis as unknown as { redriveAuditPending?: Pending[] };

/** How many entries wait for the stream in this process. */
export function pendingAuditEntries(): number {
  return buffer.redriveAuditPending?.length ?? 0;
}

/**
 * Records one mutation: a log line, then Redis. Never rejects: the action it
 * records has happened whether or not Redis takes the entry. Resolves to the
 * stream id, or "" when nothing was added to a stream.
 */
export async function appendAudit(
  redis: RedisClient,
  record: AuditRecord,
  options: AuditOptions = DEFAULT_AUDIT_OPTIONS,
): Promise<string> {
  const now = Date.now();
  const trimmed: AuditRecord = {
    ...record,
    identities: record.identities?.slice(0, IDENTITIES_MAX),
    count: record.count ?? record.identities?.length,
  };
  // The time is this call's: a caller cannot date an entry.
  delete trimmed.at;
  if (trimmed.result === "denied") return recordDenial(redis, trimmed, options, now);

  logLine("info", "audit", { ...trimmed });
  const batch = [
    ...(buffer.redriveAuditPending ?? []),
    { at: now, json: JSON.stringify({ ...trimmed, at: now / 1000 }) },
  ];
  buffer.redriveAuditPending = [];
  try {
    const ids = (await runScript(
      redis,
      "appendAudit",
      [auditKey(options)],
      [options.maxEntries, options.retentionDays * 86_400_000, ...batch.map((p) => p.json)],
    )) as string[];
    return ids.at(-1) ?? "";
  } catch (error) {
    // Others may have failed meanwhile: keep the oldest first, and the newest if it overflows.
    const pending = [...batch, ...buffer.redriveAuditPending].sort((a, b) => a.at - b.at);
    const dropped = Math.max(0, pending.length - PENDING_MAX);
    buffer.redriveAuditPending = pending.slice(dropped);
    logLine("error", "audit stream write failed", {
      error: error instanceof Error ? error.message : String(error),
      buffered: buffer.redriveAuditPending.length,
      ...(dropped > 0 ? { dropped } : {}),
    });
    return "";
  }
}

/**
 * Newest first, admin actions and the kept denials together; `before` is an
 * exclusive stream id from the previous page.
 */
export async function readAudit(
  redis: RedisClient,
  limit: number,
  before?: string,
  config: KeyPrefix = DEFAULT_AUDIT_OPTIONS,
): Promise<AuditPage> {
  const end = before ? `(${before}` : "+";
  const [actions, denials] = await Promise.all(
    [auditKey(config), denialsKey(config)].map((key) =>
      redis.xrevrange(key, end, "-", "COUNT", limit + 1),
    ),
  );
  const rows = [...actions!, ...denials!].sort((a, b) => compareIds(b[0], a[0]));
  let n = Math.min(limit, rows.length);
  // The two streams can hold the same id; the cursor is exclusive, so a page takes both.
  while (n > 0 && n < rows.length && rows[n]![0] === rows[n - 1]![0]) n++;
  const entries = await withChanges(
    redis,
    config,
    rows.slice(0, n).map(([id, fields]) => toEntry(id, fields)),
  );
  return { entries, next: rows.length > n ? entries.at(-1)!.id : null };
}

/** Entries that name an edit's diff get its changes (null once it expired). */
async function withChanges(
  redis: RedisClient,
  config: KeyPrefix,
  entries: AuditEntry[],
): Promise<AuditEntry[]> {
  const ids = entries.flatMap((e) => (e.diff ? [e.diff] : []));
  if (ids.length === 0) return entries;
  const diffs = await readAuditDiffs(redis, config, ids);
  return entries.map((e) => (e.diff ? { ...e, changes: diffs.get(e.diff) ?? null } : e));
}

function compareIds(a: string, b: string): number {
  const [am = 0, as = 0] = a.split("-").map(Number);
  const [bm = 0, bs = 0] = b.split("-").map(Number);
  return am - bm || as - bs;
}

/**
 * A record as the stream holds it: JSON that any client (another version,
 * another tool) may have written. A field of the wrong type reads as an
 * unreadable entry's would, and fields a record does not have are dropped, so
 * that what the API answers is exactly an AuditEntry.
 */
const StoredRecord = z.object({
  // Every field of a record, and only those (the type says so if one is added).
  user: z.string().catch("?"),
  token: z.strictObject({ id: z.string(), createdBy: z.string() }).optional().catch(undefined),
  role: z.string().catch("?"),
  action: z.string().catch("unreadable entry"),
  queue: z.string().optional().catch(undefined),
  identities: z.array(z.string()).optional().catch(undefined),
  count: z.number().optional().catch(undefined),
  result: AuditResultSchema.catch("error"),
  detail: z.string().optional().catch(undefined),
  diff: z.string().optional().catch(undefined),
  ip: z.string().catch(""),
  at: z.number().optional().catch(undefined),
} satisfies Record<keyof AuditRecord, z.ZodType>);

function toEntry(id: string, fields: string[]): AuditEntry {
  const idAt = Number(id.split("-")[0]) / 1000;
  const json = fields[fields.indexOf("e") + 1];
  let parsed: unknown = null;
  try {
    parsed = JSON.parse(json ?? "{}");
  } catch {
    // not JSON: unreadable, below
  }
  const record = StoredRecord.safeParse(parsed);
  if (!record.success) {
    return {
      id,
      at: idAt,
      user: "?",
      role: "?",
      action: "unreadable entry",
      result: "error",
      ip: "",
    };
  }
  return { ...record.data, id, at: record.data.at ?? idAt };
}
