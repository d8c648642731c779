/**
 * Moves of dead-letter entries named by identity: requeue (back to the work
 * queue) or delete, one message or a selection.
 */
import { randomUUID } from "node:crypto";
import { countResolved } from "./counters";
import { pipeScript, runScript } from "../redis/scripts";
import { BATCH, keysOf, nowSeconds, type EngineContext } from "./context";
import { EngineError } from "./errors";
import { failedAtOf, forRequeue, hasIdentity, metadataKeyOf, sha1 } from "./message";
import { execAll } from "./pipeline";
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

/** Checks each target at its hinted index (one pipeline). */
async function checkHints(ctx: EngineContext, dlq: string, targets: Target[]): Promise<Located[]> {
  const hinted = targets.filter((t) => t.index !== undefined && t.index >= 0);
  if (hinted.length === 0) return [];
  const pipeline = ctx.redis.pipeline();
  for (const t of hinted) pipeline.lindexBuffer(dlq, t.index!);
  const values = (await execAll(pipeline)) as (Buffer | null)[];
  return hinted.flatMap((t, i) => {
    const raw = values[i];
    return raw && hasIdentity(raw, t.identity)
      ? [{ identity: t.identity, index: t.index!, raw }]
      : [];
  });
}

/**
 * Finds entries by identity, page by page from the head. A list shifts when
 * messages arrive or leave, so a hint is only where the search starts being
 * cheap; the scan proves absence. Each identity claims one entry, so two
 * identical messages named once move once.
 */
async function scanFor(
  ctx: EngineContext,
  dlq: string,
  wanted: string[],
  claimed: Set<number>,
  maxEntries = Infinity,
): Promise<Located[]> {
  const remaining = new Map<string, number>();
  for (const id of wanted) remaining.set(id, (remaining.get(id) ?? 0) + 1);
  const found: Located[] = [];
  const len = Math.min(await ctx.redis.llen(dlq), maxEntries);
  for (let start = 0; start < len && remaining.size > 0; start += BATCH) {
    const page = await ctx.redis.lrangeBuffer(dlq, start, start + BATCH - 1);
    page.forEach((raw, i) => {
      if (claimed.has(start + i)) return;
      for (const [identity, count] of remaining) {
        if (!hasIdentity(raw, identity)) continue;
        found.push({ identity, index: start + i, raw });
        if (count === 1) remaining.delete(identity);
        else remaining.set(identity, count - 1);
        break;
      }
    });
  }
  return found;
}

/** Runs moveIndexed for up to BATCH located entries; returns those that moved. */
async function moveLocated(
  ctx: EngineContext,
  queue: string,
  mode: MoveMode,
  located: Located[],
): Promise<Located[]> {
  const { dlq, work } = keysOf(ctx, queue);
  const args: (string | number | Buffer)[] = [mode, tombstone()];
  for (const l of located) {
    args.push(l.index, sha1(l.raw), mode === "requeue" ? forRequeue(l.raw) : "");
  }
  const reply = (await runScript(ctx.redis, "moveIndexed", [dlq, work], args)) as number[];
  const done = located.filter((_, i) => reply[i] === 1);
  // The entries moved: a hash left behind (Redis went away) expires with the retention.
  await deleteMetadata(ctx, done).catch(() => undefined);
  const w = waits(ctx, done);
  await countResolved(ctx, queue, w.length, sum(w)).catch(() => undefined);
  return done;
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
  const pipeline = ctx.redis.pipeline();
  for (const m of moved) {
    pipeScript(
      pipeline,
      "deleteMetadata",
      [metadataKeyOf(m.raw, parseTopLevel(m.raw))],
      [sha1(m.raw)],
    );
  }
  await execAll(pipeline);
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
): Promise<MoveResult> {
  if (targets.length > BATCH) throw new EngineError("INVALID", `at most ${BATCH} messages at once`);
  const { dlq } = keysOf(ctx, queue);
  const moved: string[] = [];
  let pending = targets;
  for (let attempt = 0; attempt < ATTEMPTS && pending.length > 0; attempt++) {
    const located = await locate(ctx, dlq, pending);
    if (located.length === 0) break;
    const doneIds = (await moveLocated(ctx, queue, mode, located)).map((d) => d.identity);
    moved.push(...doneIds);
    pending = removeOnce(pending, doneIds);
  }
  return { moved, missing: pending.map((t) => t.identity) };
}

/** Where each target is now: at its hint when it is still there, else by a scan. */
async function locate(ctx: EngineContext, dlq: string, targets: Target[]): Promise<Located[]> {
  const hits = await checkHints(ctx, dlq, targets);
  const hitIds = new Set(hits.map((h) => h.identity));
  const rest = targets.filter((t) => !hitIds.has(t.identity));
  const claimed = new Set(hits.map((h) => h.index));
  const found = await scanFor(
    ctx,
    dlq,
    rest.map((t) => t.identity),
    claimed,
  );
  return [...hits, ...found];
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
): Promise<void> {
  const result = await moveMany(ctx, queue, [{ identity, index }], mode);
  if (result.moved.length === 0) {
    throw new EngineError("CONFLICT", "that message is no longer in the dead-letter queue");
  }
}
