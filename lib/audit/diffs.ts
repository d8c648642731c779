/**
 * The changes an edit made (fix, then requeue), kept beside the audit log:
 * values are payload and may hold personal data, so they are masked as
 * REDRIVE_REDACT says, cut to AUDIT_DIFF_VALUE_CHARS, and kept under their
 * own key for AUDIT_DIFF_RETENTION_DAYS (7 by default), less than the audit
 * entry that names them. After that the entry says the diff has expired.
 */
import type { RedisClient } from "../redis/client";
import { ownKey, type KeyPrefix } from "../own-keys";
import { randomUUID } from "node:crypto";
import type { FieldChange } from "../queues/edit";
import { pathText } from "../queues/edit";
import { covers, maskJson, REDACTED, type RedactPaths } from "../queues/redact";
import { AuditChangesSchema } from "./schemas";
import type { AuditChanges } from "./types";

/** How much of each value a diff keeps, in characters. */
export const AUDIT_DIFF_VALUE_CHARS = 200;
/** How many changed fields a diff lists; `more` counts the rest. */
export const AUDIT_DIFF_CHANGES = 20;

export const auditDiffKey = (c: KeyPrefix, id: string) => ownKey(c, `audit:diff:${id}`);

/** The configured paths under `path`, relative to it (a masked `user.email` under a changed `user`). */
function pathsUnder(paths: RedactPaths, path: readonly string[]): string[][] {
  return paths.flatMap((p) =>
    p.length > path.length && path.every((s, i) => p[i] === "*" || p[i] === s)
      ? [p.slice(path.length) as string[]]
      : [],
  );
}

/** A value as an audit record may show it: masked where configured, then cut. */
export function auditValue(
  paths: RedactPaths,
  path: readonly string[],
  text: string | null,
): string | null {
  if (text === null) return null;
  if (covers(paths, path)) return JSON.stringify(REDACTED);
  let shown = text;
  const under = pathsUnder(paths, path);
  if (under.length > 0) {
    try {
      shown = JSON.stringify(maskJson(JSON.parse(text), under));
    } catch {
      shown = JSON.stringify(REDACTED);
    }
  }
  return shown.length > AUDIT_DIFF_VALUE_CHARS
    ? `${shown.slice(0, AUDIT_DIFF_VALUE_CHARS)}…`
    : shown;
}

/** The changes as kept: masked, cut, at most AUDIT_DIFF_CHANGES of them. */
export function auditChanges(paths: RedactPaths, changes: readonly FieldChange[]): AuditChanges {
  return {
    changes: changes.slice(0, AUDIT_DIFF_CHANGES).map((c) => ({
      path: pathText(c.path),
      before: auditValue(paths, c.path, c.before),
      after: auditValue(paths, c.path, c.after),
    })),
    more: Math.max(0, changes.length - AUDIT_DIFF_CHANGES),
  };
}

export interface DiffOptions extends KeyPrefix {
  REDRIVE_REDACT: RedactPaths;
  AUDIT_DIFF_RETENTION_DAYS: number;
}

/** Stores a diff for an audit record to name; resolves to its id, "" when Redis refused it. */
export async function saveAuditDiff(
  redis: RedisClient,
  config: DiffOptions,
  changes: readonly FieldChange[],
): Promise<string> {
  const id = randomUUID();
  const kept = JSON.stringify(auditChanges(config.REDRIVE_REDACT, changes));
  try {
    await redis.set(
      auditDiffKey(config, id),
      kept,
      "EX",
      config.AUDIT_DIFF_RETENTION_DAYS * 86_400,
    );
    return id;
  } catch {
    return "";
  }
}

/** The diffs of these ids (null where one expired or cannot be read). */
export async function readAuditDiffs(
  redis: RedisClient,
  config: KeyPrefix,
  ids: readonly string[],
): Promise<Map<string, AuditChanges | null>> {
  const texts = await Promise.all(ids.map((id) => redis.get(auditDiffKey(config, id))));
  return new Map(ids.map((id, i) => [id, parseChanges(texts[i] ?? null)]));
}

function parseChanges(text: string | null): AuditChanges | null {
  if (text === null) return null;
  try {
    const parsed = AuditChangesSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
