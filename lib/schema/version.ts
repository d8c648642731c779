import { z } from "zod";
import type { RedisClient } from "../redis/client";
import { ownKey, type KeyPrefix } from "../own-keys";
import { VERSION } from "../version";

/**
 * The schema of the state Redrive stores: one number for every format listed
 * in docs/stored-state.md. A release that changes a format raises it and
 * ships a numbered migration to it (lib/schema/migrations.ts), which the
 * worker service runs at start (lib/schema/runner.ts).
 *
 * 1: Redrive 0.1.0 (no schema hash; its absence reads as 1).
 * 2: the formats docs/stored-state.md lists (DLQ entries carry the
 *    `redrive_undo` trailer in its versioned form, `{"v":2,…}`; login counters
 *    always expire; sessions, idempotency records, alert state and the rest
 *    that 0.1.0 did not have).
 */
export const SCHEMA_VERSION = 2;

/** The version a Redis without a schema hash holds: what 0.1.0 wrote, or nothing yet. */
export const UNVERSIONED = 1;

/** `<prefix>:schema`: the schema hash (see schemaStep-1.lua for its fields). */
export function schemaKey(config: KeyPrefix): string {
  return ownKey(config, "schema");
}

export interface SchemaState {
  /** The schema the stored state is at. */
  version: number;
  /** The release that migrated it there, "" when none did. */
  release: string;
  /** When, epoch s; 0 when never migrated. */
  at: number;
  /** The worker instance migrating now, "" when none holds the lock. */
  lock: string;
  /** Progress of unfinished migrations, by number: what each saved to resume from. */
  progress: Map<number, string>;
}

/** Reads the schema hash; a missing or unreadable version counts as UNVERSIONED. */
export async function readSchema(redis: RedisClient, config: KeyPrefix): Promise<SchemaState> {
  const h = await redis.hgetall(schemaKey(config));
  const version = Number(h.version);
  const progress = new Map<number, string>();
  for (const [field, value] of Object.entries(h)) {
    const n = /^progress:(\d{1,6})$/.exec(field)?.[1];
    if (n !== undefined) progress.set(Number(n), value);
  }
  return {
    version: Number.isSafeInteger(version) && version >= 1 ? version : UNVERSIONED,
    release: h.release ?? "",
    at: Number(h.at) || 0,
    lock: h.lock ?? "",
    progress,
  };
}

export const SchemaStatusSchema = z.strictObject({
  version: z
    .number()
    .int()
    .min(1)
    .describe("The schema the stored state is at (1: Redrive 0.1.0)."),
  knows: z
    .number()
    .int()
    .min(1)
    .describe("The newest schema this dashboard's release reads and writes."),
  release: z
    .string()
    .describe("The Redrive version that migrated the state to `version`; empty when none did."),
  at: z.number().nullable().describe("When it did, epoch s; null when never migrated."),
  migrating: z.boolean().describe("A worker holds the migration lock now."),
  awaitingWorker: z
    .boolean()
    .describe(
      "The state is behind this release's schema and the newest worker is of another release: it migrates when a worker of this release starts.",
    ),
});
export type SchemaStatus = z.infer<typeof SchemaStatusSchema>;

/**
 * The schema as the dashboard shows it beside what this release knows.
 * `newestWorker` is the release of the worker that beat last (null: none):
 * a state behind while that worker is of this release is about to be
 * migrated (a Redis that restarted empty), not waiting for an upgrade.
 */
export async function schemaStatus(
  redis: RedisClient,
  config: KeyPrefix,
  newestWorker: string | null,
): Promise<SchemaStatus> {
  const s = await readSchema(redis, config);
  return {
    version: s.version,
    knows: SCHEMA_VERSION,
    release: s.release,
    at: s.at > 0 ? s.at : null,
    migrating: s.lock !== "",
    awaitingWorker: s.version < SCHEMA_VERSION && newestWorker !== VERSION,
  };
}
