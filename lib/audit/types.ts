/** What an audit entry holds, apart from audit.ts so that denied.ts (which audit.ts calls) can name it too. */

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
  /** Epoch seconds when it happened; later than the stream id's time only if it was buffered. */
  at?: number;
}

export interface AuditEntry extends AuditRecord {
  id: string;
  /** Epoch seconds: the record's own time, else the stream id's. */
  at: number;
}

export interface AuditOptions {
  maxEntries: number;
  retentionDays: number;
  deniedRetentionDays: number;
}

/** The audit page size the UI asks for (GET /api/admin/audit's default `limit`), and the most it serves. */
export const AUDIT_PAGE_SIZE = 50;
export const AUDIT_PAGE_MAX = 200;

/** GET /api/admin/audit/denied's largest `minutes` (a day). */
export const DENIED_MINUTES_MAX = 1_440;
