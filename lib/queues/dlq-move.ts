/**
 * Moves of dead-letter entries named by identity: requeue (back to the work
 * queue) or delete, one message or a selection. Entries are read and moved in
 * calls of at most BATCH_BYTES (batch.ts), so a selection of large entries is
 * many small calls, never one large read or move.
 */
import { randomUUID } from "node:crypto";
import { countResolved } from "./counters";
import { pipeScript, runScript } from "../redis/scripts";
import { BATCH_BYTES, byteChunks, readAt, readFrom, BATCH_ENTRIES, reportBatch } from "./batch";
import { BATCH, keysOf, nowSeconds, type EngineContext } from "./context";
import { EngineError } from "./errors";
import {
  failedAtOf,
  forRequeue,
  hasIdentity,
  identityOf,
  metadataKeyOf,
  sha1,
  withRetryNonce,
} from "./message";
import { execBySlot } from "../redis/pipeline";
import type { ChainableCommander } from "ioredis";
import { parseTopLevel } from "./rawJson";

export type MoveMode = "requeue" | "delete";

export interface Target {
  identity: string;
  /** Where the admin saw it; a hint, checked before anything moves. */
  index?: number;
}

export interface MoveResult {
  moved: string[];
  missing: string[];
}

/** A value no producer writes (NUL bytes), unique per call. */
function tombstone(): string {
  return `\0redrive:tombstone:${randomUUID()}\0`;
}

interface Located {
  identity: string;
  index: number;
  raw: Buffer;
}

/** A requeue to the work queue now, or with `at` to the queue's retry set, due then (epoch s). */
export interface MoveOptions {
  at?: number;
}

interface Push {
  l: Located;
  /** What goes to the destination; null when deleting. */
  push: Buffer | null;
}

/**
 * Moves `located` (highest index first, so that a move never shifts the
 * entries still to come) with one moveIndexed call per BATCH_BYTES of them
 * and what is pushed for them; returns those that moved.
 */
async function moveLocated(
  ctx: EngineContext,
  queue: string,
  mode: MoveMode,
  located: Located[],
  options: MoveOptions = {},
): Promise<Located[]> {
  let items: Push[] = located.map((l) => ({
    l,
    push: mode === "requeue" ? forRequeue(l.raw) : null,
  }));
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
  // The entries moved: a hash left behind (Redis went away) expires with the retention.
  await deleteMetadata(ctx, done).catch(() => undefined);
  const w = waits(ctx, done);
  const resolved = { mode, moved: done.length, dated: w.length, waitSeconds: sum(w) };
  await countResolved(ctx, queue, resolved).catch(() => undefined);
  if (stuck > 0) {
    // Nothing can make it unique: it stays in the DLQ, and the caller is told why.
    throw new EngineError(
      "CONFLICT",
      "an identical message that is not a JSON object is already scheduled; it stays in the DLQ",
    );
  }
  return done;
}

async function moveItems(
  ctx: EngineContext,
  queue: string,
  mode: MoveMode,
  items: Push[],
  options: MoveOptions,
): Promise<{ moved: Located[]; merging: Push[] }> {
  const { dlq, work, retry } = keysOf(ctx, queue);
  const schedule = mode === "requeue" && options.at !== undefined;
  const out = { moved: [] as Located[], merging: [] as Push[] };
  const sizeOf = (i: Push) => i.l.raw.length + (i.push?.length ?? 0);
  for (const chunk of byteChunks(items, sizeOf)) {
    const args: (string | number | Buffer)[] = [
      schedule ? "schedule" : mode,
      tombstone(),
      BATCH_BYTES,
      schedule ? options.at! : "",
    ];
    for (const { l, push } of chunk) args.push(l.index, l.raw, push ?? "");
    const keys = [dlq, schedule ? retry : work];
    const [results, read] = (await runScript(ctx.redis, "moveIndexed", keys, args)) as [
      number[],
      number,
    ];
    const sent = chunk.reduce((n, i) => n + sizeOf(i), 0);
    reportBatch(ctx, "moveIndexed", chunk.length, sent, read);
    chunk.forEach((i, k) => {
      if (results[k] === 1) out.moved.push(i.l);
      if (results[k] === 2) out.merging.push(i);
    });
  }
  return out;
}

/**
 * Deletes the metadata hashes of entries that left the DLQ, each only while
 * it still names that entry (a newer failure of the same job and file may own
 * it now). After the move, not in it: the hashes lie in other Cluster slots
 * than the lists. A crash in between leaves a hash that expires with the
 * retention.
 */
async function deleteMetadata(ctx: EngineContext, moved: Located[]): Promise<void> {
  if (moved.length === 0) return;
  const batches = moved.map((m) => {
    const key = metadataKeyOf(m.raw, parseTopLevel(m.raw));
    return {
      key,
      add: (p: ChainableCommander) => pipeScript(p, "deleteMetadata", [key], [sha1(m.raw)]),
    };
  });
  await execBySlot(ctx.redis, batches);
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + Math.max(0, b), 0);

/** How long each entry waited in the DLQ (entries without a failure time are left out). */
function waits(ctx: EngineContext, entries: Located[]): number[] {
  const now = nowSeconds(ctx);
  return entries.flatMap((e) => {
    const at = failedAtOf(e.raw);
    return at === null ? [] : [now - at];
  });
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
): Promise<Located[]> {
  const { dlq } = keysOf(ctx, queue);
  const hinted = targets
    .filter((t) => t.index !== undefined && t.index >= 0)
    .sort((a, b) => b.index! - a.index!);
  const claimed = new Set<number>();
  const moved: Located[] = [];
  for (let at = 0; at < hinted.length;) {
    const group = hinted.slice(at, at + BATCH_ENTRIES);
    const entries = await readAt(
      ctx,
      dlq,
      group.map((t) => t.index!),
    );
    const located = entries.flatMap((raw, k) => {
      const t = group[k]!;
      if (!raw || claimed.has(t.index!) || !hasIdentity(raw, t.identity)) return [];
      claimed.add(t.index!);
      return [{ identity: t.identity, index: t.index!, raw }];
    });
    moved.push(...(await moveLocated(ctx, queue, mode, located, options)));
    at += Math.max(1, entries.length);
  }
  return moved;
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
): Promise<{ moved: Located[]; found: number }> {
  const { dlq } = keysOf(ctx, queue);
  const wanted = new Map<string, number>();
  for (const t of targets) wanted.set(t.identity, (wanted.get(t.identity) ?? 0) + 1);
  const moved: Located[] = [];
  let found = 0;
  for (let start = 0; wanted.size > 0;) {
    const page = await readFrom(ctx, dlq, start, BATCH_ENTRIES);
    if (page.length === 0) break;
    const located = page.flatMap((raw, i) => {
      // An entry answers to its `id:` identity and always to `h:<sha1>` (hasIdentity's rule).
      const own = raw.includes('"id"') ? [identityOf(raw)] : [];
      const identity = [...own, `h:${sha1(raw)}`].find((id) => wanted.has(id));
      if (identity === undefined) return [];
      const left = wanted.get(identity)! - 1;
      if (left === 0) wanted.delete(identity);
      else wanted.set(identity, left);
      return [{ identity, index: start + i, raw }];
    });
    found += located.length;
    const done = await moveLocated(ctx, queue, mode, located.reverse(), options);
    moved.push(...done);
    // The entries moved were before the next unread one.
    start += page.length - done.length;
  }
  return { moved, found };
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
  let pending = targets;
  for (let attempt = 0; attempt < ATTEMPTS && pending.length > 0; attempt++) {
    const atHints = (await moveAtHints(ctx, queue, mode, pending, options)).map((d) => d.identity);
    pending = removeOnce(pending, atHints);
    const scan = await moveByScan(ctx, queue, mode, pending, options);
    const byScan = scan.moved.map((d) => d.identity);
    pending = removeOnce(pending, byScan);
    moved.push(...atHints, ...byScan);
    // What the scan did not find is gone; what it found but could not move moved meanwhile.
    if (scan.found === 0) break;
  }
  return { moved, missing: pending.map((t) => t.identity) };
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
 * Moves one message: the entry at `index` if it is `identity`, else wherever
 * that identity now is; a conflict when it is gone.
 */
export async function moveFromDlq(
  ctx: EngineContext,
  queue: string,
  index: number,
  identity: string,
  mode: MoveMode,
  options: MoveOptions = {},
): Promise<void> {
  const result = await moveMany(ctx, queue, [{ identity, index }], mode, options);
  if (result.moved.length === 0) {
    throw new EngineError("CONFLICT", "that message is no longer in the dead-letter queue");
  }
}
