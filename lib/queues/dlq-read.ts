/**
 * Reads of a dead-letter queue: pages, a bounded search, one message by
 * position and identity, each entry joined with its metadata hash.
 */
import { slotGroups } from "../redis/pipeline";
import { runScript } from "../redis/scripts";
import { BATCH, keysOf, type EngineContext } from "./context";
import { EngineError } from "./errors";
import {
  hasIdentity,
  METADATA_OWNER,
  metadataKeyOf,
  parseRetryCount,
  parseTimestamp,
  sha1,
  stackText,
} from "./message";
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
import { TOKEN_PREFIX, tokenNames } from "./redact";
import type { DlqMessage } from "./types";

export async function getDlqCount(ctx: EngineContext, queue: string): Promise<number> {
  return ctx.redis.llen(keysOf(ctx, queue).dlq);
}

/** Most fields read from one metadata hash (a larger hash gives one HSCAN page). */
const METADATA_FIELDS_MAX = 64;

/**
 * A page, newest first, each entry joined with its
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
/** Entries read from a DLQ, as its page shows them (with their metadata hashes). */
export const dlqViews = (ctx: EngineContext, entries: ReadEntry[]) => viewsOf(ctx, entries);

async function viewsOf(
  ctx: EngineContext,
  entries: ReadEntry[],
  valueBytes: number = READ_LIMITS.entryWholeBytes,
): Promise<DlqMessage[]> {
  if (entries.length === 0) return [];
  const fields = entries.map((e) => new EntryFields(e));
  const metaKeys = entries.map((e, i) => entryMetadataKey(e, fields[i]));
  const hashes = await readHashes(ctx, metaKeys, valueBytes);
  return entries.map((e, i) =>
    toView(e, fields[i]!, metaKeys[i]!, ownHash(entrySha1(e), pairsToRecord(hashes[i] ?? []))),
  );
}

/**
 * The hashes' fields, one flat array per key, in one script call; on a
 * Cluster one call per hash slot, sent together, each with its share of the
 * page's byte budget so that the page stays as bounded as on one server.
 */
async function readHashes(
  ctx: EngineContext,
  keys: string[],
  valueBytes: number,
): Promise<string[][]> {
  const groups = slotGroups(ctx.redis, keys);
  const budget = Math.ceil(READ_LIMITS.metadataBytes / Math.max(1, groups.length));
  const out: string[][] = new Array(keys.length);
  await Promise.all(
    groups.map(async (group) => {
      const args = [METADATA_FIELDS_MAX, valueBytes, budget, READ_LIMITS.blockStringBytes];
      const keysOfGroup = group.map((i) => keys[i]!);
      const reply = (await runScript(ctx.redis, "readHashes", keysOfGroup, args)) as string[][];
      group.forEach((i, k) => (out[i] = reply[k] ?? []));
    }),
  );
  return out;
}

/**
 * The metadata hash of each entry read whole (an export): its fields, values
 * up to READ_LIMITS.messageBytes; null where there is none or it names
 * another entry.
 */
export async function metadataFor(
  ctx: EngineContext,
  raws: Buffer[],
): Promise<(Record<string, string> | null)[]> {
  if (raws.length === 0) return [];
  const keys = raws.map((raw) => metadataKeyOf(raw));
  const hashes = await readHashes(ctx, keys, READ_LIMITS.messageBytes);
  return raws.map((raw, i) => ownHash(sha1(raw), pairsToRecord(hashes[i] ?? [])));
}

/** A metadata hash that names another entry (a newer failure of the same job and file) is not this one's. */
function ownHash(
  entrySha1Hex: string,
  hash: Record<string, string> | null,
): Record<string, string> | null {
  const owner = hash?.[METADATA_OWNER];
  return owner !== undefined && owner !== entrySha1Hex ? null : hash;
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
export async function lookFor(
  ctx: EngineContext,
  dlq: string,
  identity: string,
): Promise<number | null> {
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
  if (e.whole) return hasIdentity(e.whole, identity);
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
  const raw = (e.whole ?? e.head).toString("utf8");
  const payload: unknown = e.whole && f.parsed ? JSON.parse(raw) : null;
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
    raw,
    bytes: e.bytes,
    isJson: f.isObject,
    payload,
    jobId: str(f.json("job_id")) ?? metadata?.job_id ?? null,
    filename: str(f.json("filename")) ?? metadata?.filename ?? null,
    errorType: str(error.type) ?? metadata?.error_type ?? null,
    errorMessage: str(error.message) ?? str(errorValue) ?? metadata?.error_message ?? null,
    errorStack: stackText(error.stack) ?? (metadata?.error_stack || null),
    retryCount: f.isObject ? entryRetryCount(f) : parseRetryCount(metadata?.retry_count),
    failedAt,
    originalQueue: str(f.json("original_queue")) ?? metadata?.original_queue ?? null,
    metadataKey,
    metadata,
    ...(e.whole ? {} : { truncated: true }),
  };
}
