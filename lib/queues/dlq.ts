import { randomUUID } from "node:crypto";
import { runScript } from "../redis/scripts";
import { BATCH, keysOf, nowSeconds, type EngineContext } from "./context";
import { countResolved } from "./counters";
import { EngineError } from "./errors";
import {
  failedAtOf,
  forRequeue,
  identityOf,
  METADATA_OWNER,
  metadataKeyOf,
  parseTimestamp,
  sha1,
} from "./message";
import { parseTopLevel } from "./rawJson";
import { TOKEN_PREFIX, tokenNames } from "./redact";
import type { DlqMessage } from "./types";
import { execAll } from "./pipeline";
import {
  EntryFields,
  entryFailedAt,
  entryIdentity,
  entryMetadataKey,
  entrySha1,
  entryRetryCount,
  entryText,
  READ_LIMITS,
  ReadBudget,
  readRange,
  type ReadEntry,
} from "./read";

export async function getDlqCount(ctx: EngineContext, queue: string): Promise<number> {
  return ctx.redis.llen(keysOf(ctx, queue).dlq);
}

/** Most fields read from one metadata hash (a larger hash gives one HSCAN page). */
const METADATA_FIELDS_MAX = 64;

/**
 * The seed's get_dlq_messages: a page, newest first, each entry joined with its
 * metadata hash where one exists. Foreign entries come back with raw bytes; an
 * entry above READ_LIMITS.entryWholeBytes comes cut (`truncated`), so that a
 * page of 200 entries stays within a few megabytes whatever producers wrote.
 */
export async function getDlqMessages(
  ctx: EngineContext,
  queue: string,
  offset = 0,
  limit = 50,
): Promise<DlqMessage[]> {
  checkPage(offset, limit);
  const { dlq } = keysOf(ctx, queue);
  // No byte budget: a page shows every entry it names (a short page would make
  // the next offset skip entries), and each comes in at most ~240 KB (whole up
  // to 64 KB; else head, tail and a decoded block), so 200 stay under 48 MB.
  const budget = new ReadBudget(Infinity, Infinity);
  const { entries } = await readRange(ctx.redis, dlq, offset, limit, { budget });
  return viewsOf(ctx, entries);
}

function checkPage(offset: number, limit: number): void {
  if (!Number.isInteger(offset) || offset < 0)
    throw new EngineError("INVALID", "offset must be ≥ 0");
  if (!Number.isInteger(limit) || limit < 1 || limit > BATCH) {
    throw new EngineError("INVALID", `limit must be between 1 and ${BATCH}`);
  }
}

/**
 * Joins entries with their metadata hashes (one script call) into views. Hash
 * values are cut as entries are: a list shows at most 64 K characters of any
 * value, and a page's values together stay within a few megabytes; one
 * message's view gets them up to READ_LIMITS.messageBytes.
 */
async function viewsOf(
  ctx: EngineContext,
  entries: ReadEntry[],
  valueBytes: number = READ_LIMITS.entryWholeBytes,
): Promise<DlqMessage[]> {
  if (entries.length === 0) return [];
  const fields = entries.map((e) => new EntryFields(e));
  const metaKeys = entries.map((e, i) => entryMetadataKey(e, fields[i]));
  const hashes = (await runScript(ctx.redis, "readHashes", metaKeys, [
    METADATA_FIELDS_MAX,
    valueBytes,
    READ_LIMITS.metadataBytes,
    READ_LIMITS.blockStringBytes,
  ])) as string[][];
  return entries.map((e, i) =>
    toView(e, fields[i]!, metaKeys[i]!, ownHash(e, pairsToRecord(hashes[i] ?? []))),
  );
}

/** A metadata hash that names another entry (a newer failure of the same job and file) is not this one's. */
function ownHash(e: ReadEntry, hash: Record<string, string> | null): Record<string, string> | null {
  const owner = hash?.[METADATA_OWNER];
  return owner !== undefined && owner !== entrySha1(e) ? null : hash;
}

/**
 * One entry, whole, named by position and identity: at `index` if it is still
 * there, else wherever it moved within the newest READ_LIMITS.scanEntries; null
 * otherwise. An entry above READ_LIMITS.messageBytes is refused (TOO_LARGE):
 * no read returns more than that of one entry.
 */
export async function getDlqMessage(
  ctx: EngineContext,
  queue: string,
  index: number,
  identity: string,
): Promise<DlqMessage | null> {
  const { dlq } = keysOf(ctx, queue);
  const one = async (at: number) => {
    const { entries } = await readRange(ctx.redis, dlq, at, 1, {
      wholeBytes: READ_LIMITS.messageBytes,
    });
    const e = entries[0];
    return e && entryMatches(ctx, e, identity) ? e : undefined;
  };
  let found = await one(index);
  if (!found) {
    // A read anyone logged in may send: the search for a moved entry is bounded.
    const moved = await lookFor(ctx, dlq, identity);
    if (moved === null) return null;
    found = await one(moved);
    if (!found) return null;
  }
  if (!found.whole) {
    throw new EngineError(
      "TOO_LARGE",
      `this message is ${found.bytes} bytes; the dashboard shows messages up to ${READ_LIMITS.messageBytes} bytes`,
    );
  }
  const [view] = await viewsOf(ctx, [found], READ_LIMITS.messageBytes);
  return view ?? null;
}

/** Where an identity is, within the newest READ_LIMITS.scanEntries, read cut. */
async function lookFor(ctx: EngineContext, dlq: string, identity: string): Promise<number | null> {
  const budget = new ReadBudget();
  for (let at = 0; at < READ_LIMITS.scanEntries;) {
    const want = Math.min(BATCH, READ_LIMITS.scanEntries - at);
    const { entries, end, stopped } = await readRange(ctx.redis, dlq, at, want, { budget });
    const hit = entries.find((e) => entryMatches(ctx, e, identity));
    if (hit) return hit.index;
    if (end || stopped || entries.length === 0) return null;
    at += entries.length;
  }
  return null;
}

/** Whether an entry as read has this identity; sha1 first, so most entries cost no parse. */
function entryMatches(ctx: EngineContext, e: ReadEntry, identity: string): boolean {
  // A viewer's token while REDRIVE_REDACT is set (see redact.ts).
  if (identity.startsWith(TOKEN_PREFIX)) return tokenNames(ctx.config, e, identity);
  if (e.whole) return matches(e.whole, identity);
  if (identity.startsWith("h:")) return e.cutSha1 === identity.slice(2);
  return e.head.includes('"id"') && entryIdentity(e) === identity;
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
 * reading at most `scanMax` entries and READ_LIMITS' request budget: a bounded
 * scan that says how far it looked, not a query over the whole DLQ. A cut entry
 * is matched on the head and tail that were read; `text` gives what a reader
 * may see of an entry (null: nothing to match).
 */
export async function searchDlq(
  ctx: EngineContext,
  queue: string,
  q: string,
  offset: number,
  limit: number,
  scanMax: number = READ_LIMITS.scanEntries,
  text: (e: ReadEntry) => string | null = entryText,
): Promise<DlqSearch> {
  checkPage(offset, limit);
  const { dlq } = keysOf(ctx, queue);
  const needle = q.toLowerCase();
  const hits: ReadEntry[] = [];
  const budget = new ReadBudget();
  let at = offset;
  let end = false;
  const max = Math.min(scanMax, READ_LIMITS.scanEntries);
  while (hits.length < limit && at - offset < max) {
    const want = Math.min(BATCH, offset + max - at);
    const page = await readRange(ctx.redis, dlq, at, want, { budget });
    let i = 0;
    for (; i < page.entries.length && hits.length < limit; i++) {
      const e = page.entries[i]!;
      if (text(e)?.toLowerCase().includes(needle)) hits.push(e);
    }
    at += i;
    if (i < page.entries.length) break;
    if (page.end) {
      end = true;
      break;
    }
    if (page.stopped || page.entries.length === 0) break;
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

/**
 * An entry as the API shows it. A cut entry has `raw` = its head, no payload,
 * `truncated`, and its error and dates from Redrive's block in the tail or the
 * metadata hash.
 */
function toView(
  e: ReadEntry,
  f: EntryFields,
  metadataKey: string,
  metadata: Record<string, string> | null,
): DlqMessage {
  const str = (v: unknown) => (typeof v === "string" ? v : null);
  const payload: unknown = e.whole && f.parsed ? JSON.parse(e.whole.toString("utf8")) : null;
  const errorValue = f.json("error");
  const error = (errorValue && typeof errorValue === "object" ? errorValue : {}) as Record<
    string,
    unknown
  >;
  const failedAt =
    entryFailedAt(f) ?? (metadata?.failed_at ? parseTimestamp(metadata.failed_at) : null);
  return {
    index: e.index,
    identity: entryIdentity(e, f),
    raw: (e.whole ?? e.head).toString("utf8"),
    bytes: e.bytes,
    isJson: f.isObject,
    payload,
    jobId: str(f.json("job_id")) ?? metadata?.job_id ?? null,
    filename: str(f.json("filename")) ?? metadata?.filename ?? null,
    errorType: str(error.type) ?? metadata?.error_type ?? null,
    errorMessage: str(error.message) ?? str(errorValue) ?? metadata?.error_message ?? null,
    errorStack: str(error.stack) ?? metadata?.error_stack ?? null,
    retryCount: f.isObject ? entryRetryCount(f) : Number(metadata?.retry_count ?? 0) || 0,
    failedAt,
    originalQueue: str(f.json("original_queue")) ?? metadata?.original_queue ?? null,
    metadataKey,
    metadata,
    ...(e.whole ? {} : { truncated: true }),
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
  // Equal sha1, equal bytes: a cut entry's `h:` identity names it even when its
  // `id` lay beyond the head that was read.
  if (identity.startsWith("h:")) return sha1(raw) === identity.slice(2);
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
