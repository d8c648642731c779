import { z } from "zod";

/**
 * What the audit log holds and the audit routes answer, declared once
 * (./types.ts infers the types from them). Strict objects: an undeclared field
 * is a mismatch when REDRIVE_CHECK_RESPONSES is on.
 */

export const AuditResultSchema = z.enum(["ok", "conflict", "error", "denied"]);

/** What an edit changed, as the audit log keeps it (lib/audit/diffs.ts): masked and cut. */
export const AuditChangesSchema = z.strictObject({
  changes: z.array(
    z.strictObject({
      path: z.string().describe("The field, e.g. `options.language`."),
      before: z.string().nullable().describe("Its JSON text before (cut), null when it was added."),
      after: z.string().nullable().describe("Its JSON text after (cut), null when it was removed."),
    }),
  ),
  more: z.number().describe("Changed fields beyond those listed."),
});

export const AuditRecordSchema = z.strictObject({
  user: z.string().describe("Who: a user's name, or `token:<name>` for an API token."),
  token: z
    .strictObject({ id: z.string(), createdBy: z.string() })
    .optional()
    .describe("When made with an API token: its id and the user who created it."),
  role: z.string(),
  action: z.string(),
  queue: z.string().optional(),
  identities: z
    .array(z.string())
    .optional()
    .describe("The messages it named (at most 100; `count` says how many)."),
  count: z.number().optional(),
  result: AuditResultSchema,
  detail: z.string().optional(),
  diff: z
    .string()
    .optional()
    .describe("An edit's changes are kept apart under this id, for less time than the entry."),
  ip: z.string().describe("The client's address."),
  at: z
    .number()
    .optional()
    .describe(
      "Epoch seconds when it happened; later than the stream id's time only if it was buffered.",
    ),
});

export const AuditEntrySchema = AuditRecordSchema.extend({
  id: z.string().describe("The stream entry id: pass it as `before` to page on."),
  changes: AuditChangesSchema.nullable()
    .optional()
    .describe(
      "With `diff`: the fields the edit changed, values masked as REDRIVE_REDACT says and cut; null once AUDIT_DIFF_RETENTION_DAYS have passed.",
    ),
  at: z.number().describe("Epoch seconds: the record's own time, else the stream id's."),
});

export const AuditPageSchema = z.strictObject({
  entries: z.array(AuditEntrySchema).describe("Newest first."),
  next: z
    .string()
    .nullable()
    .describe("Pass as `before` for the next (older) page; null at the end."),
});

export const DeniedRowSchema = z.strictObject({
  minute: z.number().describe("Epoch seconds of the minute's start."),
  user: z.string(),
  action: z.string(),
  count: z.number(),
  overflow: z
    .literal(true)
    .optional()
    .describe("Counts of users and actions beyond the minute's field bound, together."),
});

export const DeniedSummarySchema = z.strictObject({
  minutes: z.number().int().positive(),
  rows: z.array(DeniedRowSchema).describe("Newest minute first."),
  truncated: z
    .boolean()
    .describe("More rows than the most served (2000): the oldest were left out."),
});
