import { randomUUID } from "node:crypto";
import { runScript } from "../redis/scripts";
import { BATCH, keysOf, nowSeconds, type EngineContext } from "./context";
import { countResolved } from "../metrics/counters";
import { EngineError } from "./errors";
import {
  failedAtOf,
  forRequeue,
  identityOf,
  metadataKeyOf,
  parseTimestamp,
  retryCountOf,
  sha1,
} from "./message";
import { parseTopLevel } from "./rawJson";
import type { DlqMessage } from "./types";
import { execAll } from "./pipeline";

export async function getDlqCount(ctx: EngineContext, queue: string): Promise<number> {
  return ctx.redis.llen(keysOf(ctx, queue).dlq);
}

/** Most fields read from one metadata hash (a larger hash gives one HSCAN page). */
const METADATA_FIELDS_MAX = 64;

/**
 * The seed's get_dlq_messages: a page, newest first, each entry joined with its
 * metadata hash where one exists. Foreign entries come back with raw bytes.
 */
export async function getDlqMessages(
  ctx: EngineContext,
  queue: string,
  offset = 0,
  limit = 50,
): Promise<DlqMessage[]> {
  checkPage(offset, limit);
  const { dlq } = keysOf(ctx, queue);
  const entries = await ctx.redis.lrangeBuffer(dlq, offset, offset + limit - 1);
  return viewsOf(
    ctx,
    entries.map((raw, i) => ({ raw, index: offset + i })),
  );
}

function checkPage(offset: number, limit: number): void {
  if (!Number.isInteger(offset) || offset < 0)
    throw new EngineError("INVALID", "offset must be ≥ 0");
  if (!Number.isInteger(limit) || limit < 1 || limit > BATCH) {
    throw new EngineError("INVALID", `limit must be between 1 and ${BATCH}`);
  }
}

/** Joins entries with their metadata hashes (one script call) into views. */
async function viewsOf(
  ctx: EngineContext,
  entries: { raw: Buffer; index: number }[],
): Promise<DlqMessage[]> {
  if (entries.length === 0) return [];
  const parsed = entries.map(({ raw }) => ({ raw, obj: parseTopLevel(raw) }));
  const metaKeys = parsed.map(({ raw, obj }) => metadataKeyOf(raw, obj));
  const hashes = (await runScript(ctx.redis, "readHashes", metaKeys, [
    METADATA_FIELDS_MAX,
  ])) as string[][];
  return parsed.map(({ raw, obj }, i) =>
    toView(raw, obj, entries[i]!.index, metaKeys[i]!, pairsToRecord(hashes[i] ?? [])),
  );
}

/** How far from the head a read looks for an entry that moved (as the filter's scan). */
const LOOKUP_MAX = 10_000;

/**
 * One entry, whole, named by position and identity: at `index` if it is still
 * there, else wherever it moved within the newest LOOKUP_MAX; null otherwise.
 */
export async function getDlqMessage(
  ctx: EngineContext,
  queue: string,
  index: number,
  identity: string,
): Promise<DlqMessage | null> {
  const { dlq } = keysOf(ctx, queue);
  const [hit] = await checkHints(ctx, dlq, [{ identity, index }]);
  // A read anyone logged in may send: the search for a moved entry is bounded.
  const found = hit ?? (await scanFor(ctx, dlq, [identity], new Set(), LOOKUP_MAX))[0];
  if (!found) return null;
  const [view] = await viewsOf(ctx, [{ raw: found.raw, index: found.index }]);
  return view ?? null;
}

export interface DlqSearch {
  messages: DlqMessage[];
  /** Entries looked at, from `offset`. */
  scanned: number;
  /** Whether the scan reached the end of the DLQ. */
  complete: boolean;
  /** Where to continue, or null at the end. */
  nextOffset: number | null;
}

/**
 * A case-insensitive substring filter over the entries' text, from `offset`,
 * reading at most `scanMax` entries (1000 a page): a bounded scan that says how
 * far it looked, not a query over the whole DLQ.
 */
export async function searchDlq(
  ctx: EngineContext,
  queue: string,
  q: string,
  offset: number,
  limit: number,
  scanMax = 10_000,
): Promise<DlqSearch> {
  checkPage(offset, limit);
  const { dlq } = keysOf(ctx, queue);
  const needle = q.toLowerCase();
  const hits: { raw: Buffer; index: number }[] = [];
  let at = offset;
  let end = false;
  while (hits.length < limit && at - offset < scanMax) {
    const want = Math.min(BATCH, offset + scanMax - at);
    const page = await ctx.redis.lrangeBuffer(dlq, at, at + want - 1);
    let i = 0;
    for (; i < page.length && hits.length < limit; i++) {
      if (page[i]!.toString("utf8").toLowerCase().includes(needle))
        hits.push({ raw: page[i]!, index: at + i });
    }
    at += i;
    if (page.length < want && i === page.length) {
      end = true;
      break;
    }
  }
  return {
    messages: await viewsOf(ctx, hits),
    scanned: at - offset,
    complete: end,
    nextOffset: end ? null : at,
  };
}

function pairsToRecord(flat: string[]): Record<string, string> | null {
  if (flat.length === 0) return null;
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length && i < METADATA_FIELDS_MAX * 2; i += 2) {
    out[flat[i]!] = flat[i + 1]!;
  }
  return out;
}

function toView(
  raw: Buffer,
  obj: ReturnType<typeof parseTopLevel>,
  index: number,
  metadataKey: string,
  metadata: Record<string, string> | null,
): DlqMessage {
  const text = raw.toString("utf8");
  let payload: unknown = null;
  if (obj) payload = JSON.parse(text) as unknown;
  const record = (payload ?? {}) as Record<string, unknown>;
  const error = (record.error ?? {}) as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === "string" ? v : null);
  const failedAt =
    failedAtOf(raw, obj) ?? (metadata?.failed_at ? parseTimestamp(metadata.failed_at) : null);
  return {
    index,
    identity: identityOf(raw, obj),
    raw: text,
    bytes: raw.length,
    isJson: obj !== null,
    payload,
    jobId: str(record.job_id) ?? metadata?.job_id ?? null,
    filename: str(record.filename) ?? metadata?.filename ?? null,
    errorType: str(error.type) ?? metadata?.error_type ?? null,
    errorMessage: str(error.message) ?? str(record.error) ?? metadata?.error_message ?? null,
    errorStack: str(error.stack) ?? metadata?.error_stack ?? null,
    retryCount: obj ? retryCountOf(raw, obj) : Number(metadata?.retry_count ?? 0) || 0,
    failedAt,
    originalQueue: str(record.original_queue) ?? metadata?.original_queue ?? null,
    metadataKey,
    metadata,
  };
}

// ---------------------------------------------------------------- moves by identity

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

/** Whether an entry has this identity; sha1 first, so most entries cost no parse. */
function matches(raw: Buffer, identity: string): boolean {
  if (identity.startsWith("h:"))
    return sha1(raw) === identity.slice(2) && identityOf(raw) === identity;
  return raw.includes('"id"') && identityOf(raw) === identity;
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
    return raw && matches(raw, t.identity) ? [{ identity: t.identity, index: t.index!, raw }] : [];
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
        if (!matches(raw, identity)) continue;
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
    const obj = parseTopLevel(l.raw);
    args.push(
      l.index,
      sha1(l.raw),
      mode === "requeue" ? forRequeue(l.raw) : "",
      metadataKeyOf(l.raw, obj),
    );
  }
  const reply = (await runScript(ctx.redis, "moveIndexed", [dlq, work], args)) as number[];
  const done = located.filter((_, i) => reply[i] === 1);
  const w = waits(ctx, done);
  await countResolved(ctx, queue, w.length, sum(w)).catch(() => undefined);
  return done;
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
export async function moveByIdentity(
  ctx: EngineContext,
  queue: string,
  mode: MoveMode,
  targets: Target[],
): Promise<MoveResult> {
  if (targets.length > BATCH) throw new EngineError("INVALID", `at most ${BATCH} messages at once`);
  const { dlq } = keysOf(ctx, queue);
  const moved: string[] = [];
  let pending = targets;
  for (let attempt = 0; attempt < ATTEMPTS && pending.length > 0; attempt++) {
    const hits = await checkHints(ctx, dlq, pending);
    const hitIds = new Set(hits.map((h) => h.identity));
    const rest = pending.filter((t) => !hitIds.has(t.identity));
    const claimed = new Set(hits.map((h) => h.index));
    const found = await scanFor(
      ctx,
      dlq,
      rest.map((t) => t.identity),
      claimed,
    );
    const located = [...hits, ...found];
    if (located.length === 0) break;
    const done = await moveLocated(ctx, queue, mode, located);
    const doneIds = done.map((d) => d.identity);
    moved.push(...doneIds);
    pending = removeOnce(pending, doneIds);
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
 * The seed's requeue_from_dlq, with DESIGN.md's identity check: moves the entry
 * at `index` if it is `identity`, else wherever that identity now is; a
 * conflict when it is gone.
 */
export async function requeueFromDlq(
  ctx: EngineContext,
  queue: string,
  index: number,
  identity: string,
): Promise<void> {
  const result = await moveByIdentity(ctx, queue, "requeue", [{ identity, index }]);
  if (result.moved.length === 0) {
    throw new EngineError("CONFLICT", "that message is no longer in the dead-letter queue");
  }
}

export async function deleteFromDlq(
  ctx: EngineContext,
  queue: string,
  index: number,
  identity: string,
): Promise<void> {
  const result = await moveByIdentity(ctx, queue, "delete", [{ identity, index }]);
  if (result.moved.length === 0) {
    throw new EngineError("CONFLICT", "that message is no longer in the dead-letter queue");
  }
}
