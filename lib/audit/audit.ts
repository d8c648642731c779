import type Redis from "ioredis";
import { logLine } from "../worker/log";

/**
 * The audit log: every mutation, appended to a capped Redis stream (one JSON
 * field "e" per entry, so any client can read it) and written as one JSON log
 * line. The stream keeps about AUDIT_MAX entries (XADD MAXLEN ~).
 */
export const AUDIT_KEY = "redrive:audit";
const AUDIT_MAX = 100_000;
/** Identities listed in one entry; beyond that the count says how many. */
const IDENTITIES_MAX = 100;

export interface AuditRecord {
  user: string;
  role: string;
  action: string;
  queue?: string;
  identities?: string[];
  count?: number;
  result: "ok" | "conflict" | "error" | "denied";
  detail?: string;
  ip: string;
}

export interface AuditEntry extends AuditRecord {
  id: string;
  /** Epoch seconds, from the stream id. */
  at: number;
}

export async function appendAudit(redis: Redis, record: AuditRecord): Promise<string> {
  const trimmed: AuditRecord = {
    ...record,
    identities: record.identities?.slice(0, IDENTITIES_MAX),
    count: record.count ?? record.identities?.length,
  };
  logLine("info", "audit", { ...trimmed });
  const id = await redis.xadd(
    AUDIT_KEY,
    "MAXLEN",
    "~",
    AUDIT_MAX,
    "*",
    "e",
    JSON.stringify(trimmed),
  );
  return id ?? "";
}

export interface AuditPage {
  entries: AuditEntry[];
  /** Pass as `before` for the next (older) page; null at the end. */
  next: string | null;
}

/** Newest first; `before` is an exclusive stream id from the previous page. */
export async function readAudit(redis: Redis, limit: number, before?: string): Promise<AuditPage> {
  const end = before ? `(${before}` : "+";
  const rows = await redis.xrevrange(AUDIT_KEY, end, "-", "COUNT", limit + 1);
  const entries = rows.slice(0, limit).map(([id, fields]) => toEntry(id, fields));
  return { entries, next: rows.length > limit ? entries.at(-1)!.id : null };
}

function toEntry(id: string, fields: string[]): AuditEntry {
  const at = Number(id.split("-")[0]) / 1000;
  const json = fields[fields.indexOf("e") + 1];
  try {
    return { ...(JSON.parse(json ?? "{}") as AuditRecord), id, at };
  } catch {
    return { id, at, user: "?", role: "?", action: "unreadable entry", result: "error", ip: "" };
  }
}
