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

/** The window of facts read from the head of a DLQ of `total` entries. */
export function windowOf(facts: EntryFacts, total: number): Window {
  return { facts, total, cap: facts.length >= Math.min(BATCH, total) ? BATCH : facts.length };
}

/** Whether a window can be kept and followed: it has a newest entry, and the entries' hashes. */
export function isFollowable(window: Window): boolean {
  return window.facts.length > 0 && window.facts.hashes !== null;
}

/** Positions checked after the old newest entry is found (dlqProbe-1.lua). */
const PROBE_CHECKS = 4;
/** Bytes of entries the search and the checks look at, at most, a queue. */
const PROBE_BYTES = 4 * 1024 * 1024;
/** New entries of up to this many bytes in all come back with the probe (no read of their own). */
const PROBE_RETURN_BYTES = 64 * 1024;

/** What dlqProbe-1.lua answered for one DLQ. */
export interface Probe {
  signature: string;
  /** The DLQ's length, from its signature. */
  length: number;
  /** Where the kept window's newest entry now is; null when not looked for or not found. */
  shift: number | null;
  /** Positions at or after `shift` and the short sha1 of the entry there. */
  checks: [number, string][];
  /** The `shift` new entries, whole, when the probe returned them (PROBE_RETURN_BYTES). */
  fresh: Buffer[] | null;
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
      pipeScript(pipeline, "dlqProbe", [dlq], probeArgs(kept[i]), true),
  }));
  const replies = await execBySlot(ctx.redis, batches);
  return replies.map(([reply]) => parseProbe(reply as ProbeReply));
}

type ProbeReply = [Buffer, number?, (number | Buffer)[]?, Buffer[]?];

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
    PROBE_RETURN_BYTES,
  ];
}

function parseProbe([signature, shift = -1, flat = [], fresh = []]: ProbeReply): Probe {
  const checks: [number, string][] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) checks.push([Number(flat[i]), String(flat[i + 1])]);
  const text = signature.toString();
  return {
    signature: text,
    length: Number(text.split(" ", 1)[0]),
    shift: shift >= 0 ? shift : null,
    checks,
    fresh: shift > 0 && fresh.length === shift ? fresh : null,
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
  /** The new entries when the probe returned them. */
  fresh: Buffer[] | null;
  kept: number;
  window: Window;
  total: number;
  budget: ReadBudget;
}

/**
 * The new windows of queues whose DLQs gained entries at the head: their new
 * entries (from the probe, else read in one pipeline, one per slot), their
 * facts (one more for the metadata hashes), in front of the kept part of each
 * window. A queue whose new entries are not known gets null: read its window
 * again.
 */
export async function shiftWindows(
  ctx: EngineContext,
  shifts: Shift[],
): Promise<(Window | null)[]> {
  const read = await readNew(
    ctx,
    shifts.filter((s) => !s.fresh),
  );
  const reads = shifts.map((s) =>
    // The probe's entries count as read (the budget, the request's cost), as entriesOf counts them.
    s.fresh ? entriesOf([s.shift, 0, s.fresh, []], 0, s.budget) : (read.get(s) ?? null),
  );
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

/**
 * The new entries of shifts the probe did not return them for, in one
 * pipeline (one per slot). Each read also takes the old newest entry, which
 * must still be right behind the new ones; a shift where it is not (more came
 * since the probe) or whose budget cut its read is left out.
 */
async function readNew(ctx: EngineContext, shifts: Shift[]): Promise<Map<Shift, ReadEntry[]>> {
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
  const read = new Map<Shift, ReadEntry[]>();
  shifts.forEach((s, i) => {
    const entries = entriesOf(replies[i]![0], 0, s.budget);
    if (followsOn(entries, s)) read.set(s, entries.slice(0, s.shift));
  });
  return read;
}

/** True when `entries` are the shift's new ones followed by the kept window's newest. */
function followsOn(entries: ReadEntry[], s: Shift): boolean {
  if (entries.length !== s.shift + 1) return false;
  const head = entries[s.shift]!;
  const known = s.window.facts;
  return head.bytes === known.bytes[0] && entrySha1(head).slice(0, HASH_HEX) === known.hashAt(0);
}
