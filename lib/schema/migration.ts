import type { EngineContext } from "../queues/context";

/**
 * One numbered step of the stored state's schema. A migration must be:
 * - idempotent: run twice, or again after a crash anywhere inside it, it
 *   leaves the same state as once;
 * - resumable: it saves where it got to (`save`) after each bounded batch, and
 *   starts from `resumeFrom` when a crashed run left one;
 * - conservative: what it cannot convert it leaves as it is and counts in
 *   `left`, never deletes;
 * - honest in a dry run: with `dryRun` it writes nothing (not even progress)
 *   and reports what it would change.
 */
export interface Migration {
  /** The schema version the state is at once this migration has run. */
  version: number;
  /** A short name, for the log: `login-counters-expire`. */
  name: string;
  /** What it changes, in one sentence, for the log and the dry run. */
  summary: string;
  run(step: MigrationStep): Promise<MigrationResult>;
}

export interface MigrationStep {
  ctx: EngineContext;
  dryRun: boolean;
  /** What a crashed run of this migration saved last, or null to start afresh. */
  resumeFrom: string | null;
  /** Saves progress (a short text the migration reads back as resumeFrom); fails if the lock was lost. */
  save(progress: string): Promise<void>;
}

export interface MigrationResult {
  /** Items converted (or, in a dry run, that would be). */
  changed: number;
  /** Items found that it could not convert and left as they are. */
  left: number;
  /** Items already in the new form (or not concerned). */
  unchanged: number;
  /** What an operator should know, one line each (what was left, and why). */
  notes: string[];
}
