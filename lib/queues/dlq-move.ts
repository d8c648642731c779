/**
 * Moves of dead-letter entries named by identity: requeue (back to the work
 * queue) or delete, one message or a selection. Entries are read and moved in
 * calls of at most BATCH_BYTES (batch.ts), so a selection of large entries is
 * many small calls, never one large read or move.
 */
import { randomUUID } from "node:crypto";
import { readAt, readFrom, BATCH_ENTRIES } from "./batch";
import { BATCH, keysOf, type EngineContext } from "./context";
import { EngineError } from "./errors";
import { forRequeue, hasIdentity, identityOf, sha1, withRetryNonce } from "./message";
import { moveItems, type Destination, type Located, type MoveMode, type Push } from "./move-items";
import { settle } from "./move-settle";

export type { MoveMode };

export interface Target {
  identity: string;
  /** Where the admin saw it; a hint, checked before anything moves. */
  index?: number;
  /** The entry's sha1 when the admin saw it: set, an entry whose bytes changed since is not it. */
  sha1?: string;
}

export interface MoveResult {
  moved: string[];
  missing: string[];
  /** Requeues with an edit: entries the edit cannot apply to (not a JSON object along its path); they stay. */
  skipped?: string[];
}

/**
 * Where a requeue goes and what it changes: now or `at` (the retry set), to
 * the queue's own work queue or `to`'s, with `edit` applied to each message
 * (./edit.ts; null when it cannot apply to one, which then stays).
 */
export interface MoveOptions extends Destination {
  edit?: (message: Buffer) => Buffer | null;
}

/** What goes back for an entry: the message restored, edited. */
function pushOf(raw: Buffer, options: MoveOptions): Buffer | null {
  const message = forRequeue(raw);
  return options.edit ? options.edit(message) : message;
}

/**
 * Moves `located` (highest index first, so that a move never shifts the
 * entries still to come) with one moveIndexed call per BATCH_BYTES of them
 * and what is pushed for them; returns those that moved, and those an edit
 * could not apply to (left where they are).
 */
async function moveLocated(
  ctx: EngineContext,
  queue: string,
  mode: MoveMode,
  located: Located[],
  options: MoveOptions = {},
): Promise<{ done: Located[]; skipped: Located[] }> {
  const skipped: Located[] = [];
  let items: Push[] = located.flatMap((l): Push[] => {
    if (mode === "delete") return [{ l, push: null }];
    const push = pushOf(l.raw, options);
    if (!push) skipped.push(l);
    return push ? [{ l, push }] : [];
  });
  const done: Located[] = [];
  let stuck = 0;
  // A scheduled message identical to one in the retry set is made unique and sent again.
  for (let round = 0; round < 3 && items.length > 0; round++) {
    const { moved, merging } = await moveItems(ctx, queue, mode, items, options);
    done.push(...moved);
    const unique = merging.flatMap((i) => {
      const push = withRetryNonce(i.push!, randomUUID());
      // Each entry moved toward the head of this one shifted it down by one.
      const index = i.l.index - moved.filter((m) => m.index < i.l.index).length;
      return push.equals(i.push!) ? [] : [{ l: { ...i.l, index }, push }];
    });
    stuck += merging.length - unique.length;
    items = unique;
  }
  await settle(ctx, queue, mode, done);
  if (stuck > 0) {
    // Nothing can make it unique: it stays in the DLQ, and the caller is told why.
    throw new EngineError(
      "CONFLICT",
      "an identical message that is not a JSON object is already scheduled; it stays in the DLQ",
    );
  }
  return { done, skipped };
}

/**
 * Moves the targets still at their hinted index, reading those entries a
 * budget at a time; returns those moved. Highest index first: a move never
 * shifts the entries below it (toward the head).
 */
async function moveAtHints(
  ctx: EngineContext,
  queue: string,
  mode: MoveMode,
  targets: Target[],
  options: MoveOptions,
): Promise<Moved> {
  const { dlq } = keysOf(ctx, queue);
  const hinted = targets
    .filter((t) => t.index !== undefined && t.index >= 0)
    .sort((a, b) => b.index! - a.index!);
  const claimed = new Set<number>();
  const out: Moved = { done: [], skipped: [] };
  for (let at = 0; at < hinted.length;) {
    const group = hinted.slice(at, at + BATCH_ENTRIES);
    const entries = await readAt(
      ctx,
      dlq,
      group.map((t) => t.index!),
    );
    const located = entries.flatMap((raw, k) => {
      const t = group[k]!;
      if (!raw || claimed.has(t.index!) || !isTarget(raw, t)) return [];
      claimed.add(t.index!);
      return [{ identity: t.identity, index: t.index!, raw }];
    });
    add(out, await moveLocated(ctx, queue, mode, located, options));
    at += Math.max(1, entries.length);
  }
  return out;
}

/**
 * Finds entries by identity, a budget at a time from the head, and moves the
 * ones found; the scan proves absence (none `found`). Each identity claims one
 * entry, so two identical messages named once move once.
 */
async function moveByScan(
  ctx: EngineContext,
  queue: string,
  mode: MoveMode,
  targets: Target[],
  options: MoveOptions,
): Promise<Moved & { found: number }> {
  const { dlq } = keysOf(ctx, queue);
  const wanted = new Map<string, number>();
  for (const t of targets) wanted.set(t.identity, (wanted.get(t.identity) ?? 0) + 1);
  const bytes = new Map(targets.flatMap((t) => (t.sha1 ? [[t.identity, t.sha1] as const] : [])));
  const out: Moved = { done: [], skipped: [] };
  let found = 0;
  for (let start = 0; wanted.size > 0;) {
    const page = await readFrom(ctx, dlq, start, BATCH_ENTRIES);
    if (page.length === 0) break;
    const located = page.flatMap((raw, i) => {
      // An entry answers to its `id:` identity and always to `h:<sha1>` (hasIdentity's rule).
      const own = raw.includes('"id"') ? [identityOf(raw)] : [];
      const hash = sha1(raw);
      const identity = [...own, `h:${hash}`].find(
        (id) => wanted.has(id) && (bytes.get(id) ?? hash) === hash,
      );
      if (identity === undefined) return [];
      const left = wanted.get(identity)! - 1;
      if (left === 0) wanted.delete(identity);
      else wanted.set(identity, left);
      return [{ identity, index: start + i, raw }];
    });
    found += located.length;
    const step = await moveLocated(ctx, queue, mode, located.reverse(), options);
    add(out, step);
    // The entries moved were before the next unread one.
    start += page.length - step.done.length;
  }
  return { ...out, found };
}

const ATTEMPTS = 3;

/**
 * Requeues or deletes DLQ entries named by identity (and, when known, index).
 * An entry that moved between the read and the move is looked up again; one
 * that is gone is reported missing and nothing happens to it.
 */
export async function moveMany(
  ctx: EngineContext,
  queue: string,
  targets: Target[],
  mode: MoveMode,
  options: MoveOptions = {},
): Promise<MoveResult> {
  if (targets.length > BATCH) throw new EngineError("INVALID", `at most ${BATCH} messages at once`);
  const moved: string[] = [];
  const skipped: string[] = [];
  let pending = targets;
  const take = (step: Moved) => {
    const ids = (ls: Located[]) => ls.map((l) => l.identity);
    pending = removeOnce(removeOnce(pending, ids(step.done)), ids(step.skipped));
    moved.push(...ids(step.done));
    skipped.push(...ids(step.skipped));
  };
  for (let attempt = 0; attempt < ATTEMPTS && pending.length > 0; attempt++) {
    take(await moveAtHints(ctx, queue, mode, pending, options));
    const scan = await moveByScan(ctx, queue, mode, pending, options);
    take(scan);
    // What the scan did not find is gone; what it found but could not move moved meanwhile.
    if (scan.found === 0) break;
  }
  const missing = pending.map((t) => t.identity);
  return options.edit ? { moved, missing, skipped } : { moved, missing };
}

interface Moved {
  done: Located[];
  skipped: Located[];
}

function add(into: Moved, step: Moved): void {
  into.done.push(...step.done);
  into.skipped.push(...step.skipped);
}

/** Whether an entry read at a target's index is that target (and, with its sha1, unchanged). */
function isTarget(raw: Buffer, t: Target): boolean {
  return hasIdentity(raw, t.identity) && (t.sha1 === undefined || sha1(raw) === t.sha1);
}

function removeOnce(targets: Target[], identities: string[]): Target[] {
  const left = [...targets];
  for (const id of identities) {
    const i = left.findIndex((t) => t.identity === id);
    if (i >= 0) left.splice(i, 1);
  }
  return left;
}

/**
 * Moves one message: the entry at its index if it is that message, else
 * wherever that identity now is; a conflict when it is gone (or, for a target
 * with a sha1, when its bytes changed).
 */
export async function moveFromDlq(
  ctx: EngineContext,
  queue: string,
  target: Target,
  mode: MoveMode,
  options: MoveOptions = {},
): Promise<void> {
  const result = await moveMany(ctx, queue, [target], mode, options);
  if (result.moved.length > 0) return;
  throw new EngineError(
    "CONFLICT",
    target.sha1 === undefined
      ? "that message is no longer in the dead-letter queue"
      : "that message changed or left the dead-letter queue since it was opened; nothing was written",
  );
}
