import { createHash } from "node:crypto";
import { readFrom, BATCH_ENTRIES } from "./batch";
import { BATCH, keysOf, type EngineContext } from "./context";
import {
  moveMany,
  type MoveMode,
  type MoveOptions,
  type MoveResult,
  type Target,
} from "./dlq-move";
import { identityOf, METADATA_OWNER, metadataKeyOf, sha1 } from "./message";
import { execEachKey } from "../redis/pipeline";
import { normalizeError } from "./normalize";
import { findMember, parseTopLevel, rawValue } from "./rawJson";
import {
  EntryFields,
  entryFailedAt,
  entryMetadataKey,
  entrySha1,
  entryRetryCount,
  READ_LIMITS,
  ReadBudget,
  readRange,
  type ReadEntry,
} from "./read";
import { EntryFacts, type EntryFact, type GroupKind } from "./facts";
import type { ErrorGroups } from "./types";

export type { ErrorGroup, ErrorGroups } from "./types";

/**
 * Top error groups of a DLQ: entries whose error type and message are the same
 * once ids, numbers, hex, paths and URLs are normalised away ("timed out after
 * 30 s reading gs://b/u/1.pdf" and "... 31 s ... 2.pdf" are one group).
 */
export function groupId(errorType: string, pattern: string): string {
  return createHash("sha1").update(`${errorType}\n${pattern}`).digest("hex").slice(0, 12);
}

interface EntryError {
  type: string;
  message: string;
}

/** The error of an entry: its `error` member (object or string), else its metadata hash. */
function inlineError(raw: Buffer): EntryError | null {
  const obj = parseTopLevel(raw);
  const m = obj ? findMember(obj, "error") : undefined;
  if (!m) return null;
  try {
    return errorValue(JSON.parse(rawValue(raw, m)) as unknown);
  } catch {
    // fall through to the metadata hash
  }
  return null;
}

function errorValue(value: unknown): EntryError | null {
  if (typeof value === "string") return { type: "Error", message: value };
  if (value && typeof value === "object") {
    const e = value as { type?: unknown; message?: unknown };
    return { type: String(e.type ?? "Error"), message: String(e.message ?? "") };
  }
  return null;
}

async function errorsOf(ctx: EngineContext, page: Buffer[]): Promise<EntryError[]> {
  return withMetadata(
    ctx,
    page.map(inlineError),
    (i) => metadataKeyOf(page[i]!),
    (i) => sha1(page[i]!),
    () => NO_ERROR,
  );
}

const NO_ERROR: EntryError = { type: "Unknown", message: "(no error recorded)" };

/**
 * A cut entry whose error is neither in the part read (the tail holds the block
 * Redrive appends) nor in its metadata hash: one group, never a failure.
 */
const UNREADABLE: EntryError = {
  type: "Unreadable",
  message: "(entry too large: no error in the part read or in its metadata)",
};

/** The error of an entry as read: inline when it was read, else from the metadata hash. */
async function errorsOfRead(
  ctx: EngineContext,
  entries: ReadEntry[],
  fields: EntryFields[],
): Promise<EntryError[]> {
  return withMetadata(
    ctx,
    entries.map((e, i) => (e.whole ? inlineError(e.whole) : errorValue(fields[i]!.json("error")))),
    (i) => entryMetadataKey(entries[i]!, fields[i]),
    (i) => entrySha1(entries[i]!),
    (i) => (entries[i]!.whole ? NO_ERROR : UNREADABLE),
  );
}

/** Fills the entries without an inline error from their metadata hashes (one pipeline). */
async function withMetadata(
  ctx: EngineContext,
  inline: (EntryError | null)[],
  keyOf: (i: number) => string,
  sha1Of: (i: number) => string,
  fallback: (i: number) => EntryError,
): Promise<EntryError[]> {
  const missing = inline.flatMap((e, i) => (e ? [] : [i]));
  if (missing.length > 0) {
    const rows = (await execEachKey(ctx.redis, missing.map(keyOf), (p, key) =>
      p.hmget(key, "error_type", "error_message", METADATA_OWNER),
    )) as (string | null)[][];
    missing.forEach((i, k) => {
      const [type, message, owner] = rows[k]!;
      const none = fallback(i);
      // A hash naming another entry describes a newer failure of the same job and file.
      inline[i] =
        (type === null && message === null) || (owner !== null && owner !== sha1Of(i))
          ? none
          : { type: type ?? NO_ERROR.type, message: message ?? NO_ERROR.message };
    });
  }
  return inline as EntryError[];
}

/**
 * Groups the newest `scanMax` entries (at most READ_LIMITS.scanEntries), read
 * cut where large and within one request's byte budget (shared by the caller
 * across queues when it passes one); `complete` is false when either stopped it.
 */
export async function getErrorGroups(
  ctx: EngineContext,
  queue: string,
  scanMax: number = READ_LIMITS.scanEntries,
  budget: ReadBudget = new ReadBudget(),
): Promise<ErrorGroups> {
  const { dlq } = keysOf(ctx, queue);
  const total = await ctx.redis.llen(dlq);
  const max = Math.min(total, scanMax, READ_LIMITS.scanEntries);
  const { facts } = await readFacts(ctx, dlq, max, budget, false);
  return groupsOf(facts, total);
}

/** The error groups of entries read from the head of a DLQ of `total` entries. */
export function groupsOf(facts: EntryFacts, total: number): ErrorGroups {
  const { groups, retries } = facts.groups();
  const scanned = facts.length;
  const complete = scanned >= total;
  return {
    groups,
    scanned,
    total,
    complete,
    nextOffset: complete ? null : scanned,
    averageRetryCount: scanned > 0 ? retries / scanned : null,
  };
}

/**
 * The facts of the first `count` entries of a DLQ, BATCH a page, within the
 * budget (`stopped` when it ran out first); with each entry's sha1 when
 * `hashes` (the insights' window keeps them).
 */
export async function readFacts(
  ctx: EngineContext,
  dlq: string,
  count: number,
  budget: ReadBudget,
  hashes: boolean,
): Promise<{ facts: EntryFacts; stopped: boolean }> {
  const rows: EntryFact[] = [];
  while (rows.length < count) {
    const want = Math.min(BATCH, count - rows.length);
    const page = await readRange(ctx.redis, dlq, rows.length, want, { budget });
    rows.push(...(await factRows(ctx, page.entries, hashes)));
    if (page.stopped) return { facts: EntryFacts.of(rows, hashes), stopped: true };
    if (page.end || page.entries.length === 0) break;
  }
  return { facts: EntryFacts.of(rows, hashes), stopped: false };
}

/** What the error groups need of each entry read: one metadata pipeline for those without an inline error. */
export async function factRows(
  ctx: EngineContext,
  entries: ReadEntry[],
  hashes: boolean,
): Promise<EntryFact[]> {
  if (entries.length === 0) return [];
  const fields = entries.map((e) => new EntryFields(e));
  const errors = await errorsOfRead(ctx, entries, fields);
  return entries.map((e, i) => ({
    kind: groupOf(errors[i]!),
    message: errors[i]!.message,
    at: entryFailedAt(fields[i]!),
    retries: entryRetryCount(fields[i]!),
    bytes: e.bytes,
    ...(hashes ? { sha1: entrySha1(e) } : {}),
  }));
}

/**
 * The group of an error, remembered by its type and message: a DLQ holds the
 * same few failures many times over, and normalising a message and hashing
 * its group is most of the CPU an insights read costs (about 10 of 23 µs an
 * entry). Short messages only, and at most GROUP_MEMO_MAX of them, so that
 * it stays a few megabytes whatever the DLQs hold.
 */
const groupMemo = new Map<string, GroupKind>();
const GROUP_MEMO_MAX = 5_000;
const GROUP_MEMO_CHARS = 512;

function groupOf(error: EntryError): GroupKind {
  const key = error.message.length <= GROUP_MEMO_CHARS ? `${error.type}\n${error.message}` : null;
  const known = key === null ? undefined : groupMemo.get(key);
  if (known) return known;
  const pattern = normalizeError(error.message);
  const group = { id: groupId(error.type, pattern), errorType: error.type, pattern };
  if (key !== null) {
    if (groupMemo.size >= GROUP_MEMO_MAX) groupMemo.clear();
    groupMemo.set(key, group);
  }
  return group;
}

/** The error group id of each entry of a page read whole (the export's filter). */
export async function groupIdsOf(ctx: EngineContext, page: Buffer[]): Promise<string[]> {
  return (await errorsOf(ctx, page)).map((e) => groupOf(e).id);
}

/** Calls `visit` for each entry of a group (whole entries, BATCH_BYTES a call), head first. */
export async function forEachInGroup(
  ctx: EngineContext,
  queue: string,
  id: string,
  visit: (raw: Buffer, index: number) => void,
): Promise<void> {
  const { dlq } = keysOf(ctx, queue);
  const total = await ctx.redis.llen(dlq);
  for (let start = 0; start < total;) {
    const page = await readFrom(ctx, dlq, start, Math.min(BATCH_ENTRIES, total - start));
    if (page.length === 0) break;
    const errors = await errorsOf(ctx, page);
    page.forEach((raw, i) => {
      if (groupOf(errors[i]!).id === id) visit(raw, start + i);
    });
    start += page.length;
  }
}

/**
 * Requeues or deletes every entry of a group, over the whole DLQ: the scan
 * (whole entries, BATCH_BYTES a call) collects identities and positions, then
 * moves go by identity, ≤ 1000 a selection.
 */
export async function moveErrorGroup(
  ctx: EngineContext,
  queue: string,
  id: string,
  mode: MoveMode,
  options: MoveOptions = {},
): Promise<MoveResult> {
  const targets: Target[] = [];
  await forEachInGroup(ctx, queue, id, (raw, index) => {
    targets.push({ identity: identityOf(raw), index });
  });
  const result: MoveResult = { moved: [], missing: [], ...(options.edit ? { skipped: [] } : {}) };
  // From the end of the list first, so that moving one chunk does not shift the next one's positions.
  for (let end = targets.length; end > 0; end -= BATCH) {
    const slice = targets.slice(Math.max(0, end - BATCH), end);
    const chunk = await moveMany(ctx, queue, slice, mode, options);
    result.moved.push(...chunk.moved);
    result.missing.push(...chunk.missing);
    result.skipped?.push(...(chunk.skipped ?? []));
  }
  return result;
}
