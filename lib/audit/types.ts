/**
 * What an audit entry holds, apart from audit.ts so that denied.ts (which
 * audit.ts calls) can name it too: inferred from ./schemas.ts with type-only
 * imports, so that zod stays out of the browser bundle (the UI imports this
 * module's limits).
 */
import type { z } from "zod";
import type {
  AuditChangesSchema,
  AuditEntrySchema,
  AuditPageSchema,
  AuditRecordSchema,
  DeniedRowSchema,
  DeniedSummarySchema,
} from "./schemas";

export type AuditRecord = z.infer<typeof AuditRecordSchema>;

export type AuditChanges = z.infer<typeof AuditChangesSchema>;

export type AuditEntry = z.infer<typeof AuditEntrySchema>;

export type AuditPage = z.infer<typeof AuditPageSchema>;

export type DeniedRow = z.infer<typeof DeniedRowSchema>;

export type DeniedSummary = z.infer<typeof DeniedSummarySchema>;

export interface AuditOptions {
  /** REDRIVE_KEY_PREFIX: the streams and hashes are `<prefix>:audit...`. */
  REDRIVE_KEY_PREFIX: string;
  maxEntries: number;
  retentionDays: number;
  deniedRetentionDays: number;
}

/** The audit page size the UI asks for (GET /api/admin/audit's default `limit`), and the most it serves. */
export const AUDIT_PAGE_SIZE = 50;
export const AUDIT_PAGE_MAX = 200;

/** GET /api/admin/audit/denied's largest `minutes` (a day). */
export const DENIED_MINUTES_MAX = 1_440;
