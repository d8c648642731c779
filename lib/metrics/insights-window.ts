import "server-only";
import { BATCH, type EngineContext } from "../queues/context";
import { factRows } from "../queues/errorGroups";
import { EntryFacts, HASH_HEX } from "../queues/facts";
import {
  entriesOf,
  entrySha1,
  readRangeArgs,
  type ReadBudget,
  type ReadEntry,
} from "../queues/read";
import { execBySlot } from "../redis/pipeline";
import { pipeScript } from "../redis/scripts";

/**
 * A queue's window for the insights: the facts (lib/queues/facts.ts) of the
 * newest entries of its DLQ, and the DLQ's length then. It covers the newest
 * `cap` entries, or all when fewer: BATCH, or fewer when the byte budget cut
 * the read (then as many as it read, so that it covers what a read would).
 */
export interface Window {
  facts: EntryFacts;
  total: number;
  cap: number;
}

/** The window of facts read from the head of a DLQ of `total` entries; null when there is none to keep. */
export function windowOf(facts: EntryFacts, total: number): Window | null {
  if (facts.length === 0 || facts.hashes === null) return null;
  return { facts, total, cap: facts.length >= Math.min(BATCH, total) ? BATCH : facts.length };
}

/** Positions checked after the old newest entry is found (dlqProbe-1.lua). */
const PROBE_CHECKS = 16;
/** Bytes of entries the search and the checks look at, at most, a queue. */
const PROBE_BYTES = 4 * 1024 * 1024;

/** What dlqProbe-1.lua answered for one DLQ. */
export interface Probe {
  signature: string;
  /** The DLQ's length, from its signature. */
  length: number;
  /** Where the kept window's newest entry now is; null when not looked for or not found. */
  shift: number | null;
  /** Positions at or after `shift` and the short sha1 of the entry there. */
  checks: [number, string][];
}

/** What was kept of a queue: its signature and, when whole, its window. */
export interface Kept {
  signature: string;
  window: Window | null;
}

/** Every queue's probe: one script call each, one pipeline per hash slot. */
export async function probeAll(
  ctx: EngineContext,
  dlqs: string[],
  kept: (Kept | undefined)[],
): Promise<Probe[]> {
  const batches = dlqs.map((dlq, i) => ({
    key: dlq,
    add: (pipeline: Parameters<typeof pipeScript>[0]) =>
      pipeScript(pipeline, "dlqProbe", [dlq], probeArgs(kept[i])),
  }));
  const replies = await execBySlot(ctx.redis, batches);
  return replies.map(([reply]) => parseProbe(reply as (string | number)[]));
}

function probeArgs(kept: Kept | undefined): (string | number)[] {
  const facts = kept?.window?.facts;
  const head = facts?.hashAt(0) ?? null;
  return [
    BATCH - 1,
    kept?.signature ?? "",
    head === null ? 0 : facts!.bytes[0]!,
    head ?? "",
    kept?.window?.cap ?? BATCH,
    PROBE_CHECKS,
    PROBE_BYTES,
  ];
}

function parseProbe(reply: (string | number)[]): Probe {
  const [signature, shift, ...rest] = reply;
  const checks: [number, string][] = [];
  for (let i = 0; i + 1 < rest.length; i += 2) checks.push([Number(rest[i]), String(rest[i + 1])]);
  const at = shift === undefined ? -1 : Number(shift);
  return {
    signature: String(signature),
    length: Number(String(signature).split(" ", 1)[0]),
    shift: at >= 0 ? at : null,
    checks,
  };
}

/**
 * How many of the kept window's entries the DLQ still holds right after the
 * `probe.shift` new ones, when everything the probe saw agrees: the window it
 * must continue fits in the kept one, and every checked entry is the kept
 * entry `shift` places earlier. Null otherwise (read the window again). An
 * entry removed inside the window moves every later one a place the checks
 * see (the last one always among them); what they cannot see is an entry
 * rewritten in place (LSET) or removed and put back elsewhere with the same
 * bytes, as for the signature.
 */
export function keptCount(window: Window, probe: Probe): number | null {
  const shift = probe.shift;
  if (shift === null) return null;
  const kept = Math.min(window.cap, probe.length) - shift;
  if (kept < 1 || kept > window.facts.length) return null;
  const agree = probe.checks.every(([at, hash]) => window.facts.hashAt(at - shift) === hash);
  return agree ? kept : null;
}

/** A queue whose window moves by `shift` new entries at its head. */
export interface Shift {
  dlq: string;
  shift: number;
  kept: number;
  window: Window;
  total: number;
  budget: ReadBudget;
}

/**
 * The new windows of queues whose DLQs gained entries at the head: their new
 * entries read in one pipeline (one per slot), their facts in one more for
 * the metadata hashes, in front of the kept part of each window. Each read
 * also takes the old newest entry, which must still be right behind the new
 * ones; a queue where it is not (more came since the probe) or whose budget
 * cut its read gets null: read its window again.
 */
export async function shiftWindows(
  ctx: EngineContext,
  shifts: Shift[],
): Promise<(Window | null)[]> {
  const replies = await execBySlot(
    ctx.redis,
    shifts.map((s) => ({
      key: s.dlq,
      add: (pipeline) =>
        pipeScript(
          pipeline,
          "readRange",
          [s.dlq],
          readRangeArgs(0, s.shift + 1, { budget: s.budget }),
          true,
        ),
    })),
  );
  const reads = shifts.map((s, i) => {
    const entries = entriesOf(replies[i]![0], 0, s.budget);
    return followsOn(entries, s) ? entries.slice(0, s.shift) : null;
  });
  const rows = await factRows(
    ctx,
    reads.flatMap((r) => r ?? []),
    true,
  );
  let at = 0;
  return shifts.map((s, i) => {
    const read = reads[i];
    if (!read) return null;
    const fresh = EntryFacts.of(rows.slice(at, (at += read.length)), true);
    return { facts: fresh.concat(s.window.facts, s.kept), total: s.total, cap: s.window.cap };
  });
}

/** True when `entries` are the shift's new ones followed by the kept window's newest. */
function followsOn(entries: ReadEntry[], s: Shift): boolean {
  if (entries.length !== s.shift + 1) return false;
  const head = entries[s.shift]!;
  const known = s.window.facts;
  return head.bytes === known.bytes[0] && entrySha1(head).slice(0, HASH_HEX) === known.hashAt(0);
}
