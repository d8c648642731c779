import type { Migration } from "./migration";
import { loginCountersExpire } from "./m002-login-counters-expire";
import { SCHEMA_VERSION } from "./version";

/**
 * Every migration, in order. A migration is numbered by the schema version it
 * brings the state to (m002 → 2); a version whose formats old and new readers
 * both read needs none (docs/stored-state.md says which). Never renumber or
 * remove one: a Redis left at any older version must still reach the newest.
 */
export const MIGRATIONS: readonly Migration[] = [loginCountersExpire];

/** The migration that reaches `version`, if that version has one. */
export function migrationTo(version: number): Migration | undefined {
  return MIGRATIONS.find((m) => m.version === version);
}

/** The versions after `from`, up to this release's, in order. */
export function versionsAfter(from: number): number[] {
  const versions: number[] = [];
  for (let v = from + 1; v <= SCHEMA_VERSION; v += 1) versions.push(v);
  return versions;
}
