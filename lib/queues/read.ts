import { AsyncLocalStorage } from "node:async_hooks";
import type { RedisClient } from "../redis/client";
import { runScript } from "../redis/scripts";
import {
  FIELDS,
  identityOf,
  metadataKeyOf,
  parseRetryCount,
  parseTimestamp,
  sha1,
} from "./message";
import {
  findMember,
  parseTopLevel,
  parseTopLevelPrefix,
  rawValue,
  type Member,
  type ParsedObject,
} from "./rawJson";

const KB = 1024;
const MB = 1024 * KB;

/**
 * How much of the DLQs and retry sets a read may return. Entries come from
 * producers Redrive does not control and Redis allows 512 MB each, so every
 * read a viewer can trigger is bounded in bytes, not only in entries.
 */
export const READ_LIMITS = {
  /** Lists and scans get an entry whole up to this size... */
  entryWholeBytes: 64 * KB,
  /** ...and only its first and last bytes beyond... */
  entryHeadBytes: 64 * KB,
  entryTailBytes: 16 * KB,
  /**
   * ...plus the block Redrive appends at its end (error, failed_at, …), decoded
   * in Redis when it is at most this large, with the error message, the stack
   * and any other string cut to these sizes (a list cuts them further).
   */
  blockBytes: 4 * MB,
  blockMessageBytes: 8 * KB,
  blockStackBytes: 64 * KB,
  blockStringBytes: 1 * KB,
  /** One script call stops once it has returned this much... */
  callReturnBytes: 4 * MB,
  /** ...or read this much inside Redis (large entries cost Redis time even when cut). */
  callReadBytes: 64 * MB,
  /** One request (a page, the filter, error groups, insights) stops at this much returned... */
  requestReturnBytes: 32 * MB,
  /** ...or at this much read inside Redis, for scans. */
  requestReadBytes: 256 * MB,
  /** A scan (filter, error groups, lookup of a moved entry) looks at most at this many entries. */
  scanEntries: 10_000,
  /** Metadata hash values returned with one page, after which each is cut to blockStringBytes. */
  metadataBytes: 4 * MB,
  /** GET …/message/{index} serves one entry whole up to this size; a larger one is refused. */
  messageBytes: 16 * MB,
} as const;

/** One entry as read: whole, or cut to its head and tail when large. */
export interface ReadEntry {
  /** Index (list) or rank (sorted set) when read. */
  index: number;
  /** Its full size. */
  bytes: number;
  /** The entry itself, or null when it was cut. */
  whole: Buffer | null;
  /** sha1 of all its bytes, computed by Redis when it was cut. */
  cutSha1: string | null;
  /** First and last bytes (the entry itself when whole). */
  head: Buffer;
  tail: Buffer;
  /** A cut entry's Redrive block as one JSON object, strings cut; null when none was found. */
  block: Buffer | null;
  /** The sorted-set score (retry sets). */
  score?: number;
}

/** What one request may still read; shared by every read the request makes. */
export class ReadBudget {
  returned = 0;
  read = 0;
  constructor(
    readonly returnMax: number = READ_LIMITS.requestReturnBytes,
    readonly readMax: number = READ_LIMITS.requestReadBytes,
  ) {}

  get spent(): boolean {
    return this.returned >= this.returnMax || this.read >= this.readMax;
  }
}

export interface RangeRead {
  entries: ReadEntry[];
  /** True when the budget stopped the read before `count` entries and before the end. */
  stopped: boolean;
  /** True when the read reached the end of the list or set. */
  end: boolean;
}

export interface ReadOptions {
  kind?: "list" | "zset";
  budget?: ReadBudget;
  /** Entries up to this size come whole (default READ_LIMITS.entryWholeBytes). */
  wholeBytes?: number;
}

type Item = Buffer | [number, Buffer, Buffer, Buffer, Buffer | null];
type Reply = [number, number, Item[], Buffer[]];

/** The arguments of one readRange script call (for callers that pipeline it). */
export function readRangeArgs(
  start: number,
  count: number,
  options: ReadOptions = {},
): (string | number)[] {
  const budget = options.budget ?? new ReadBudget();
  return [
    options.kind ?? "list",
    start,
    count,
    options.wholeBytes ?? READ_LIMITS.entryWholeBytes,
    READ_LIMITS.entryHeadBytes,
    READ_LIMITS.entryTailBytes,
    Math.min(READ_LIMITS.callReturnBytes, budget.returnMax - budget.returned),
    Math.min(READ_LIMITS.callReadBytes, budget.readMax - budget.read),
    READ_LIMITS.blockBytes,
    READ_LIMITS.blockMessageBytes,
    READ_LIMITS.blockStackBytes,
    READ_LIMITS.blockStringBytes,
  ];
}

/**
 * Bytes of entries a piece of work made Redis read (cut or not: cutting costs
 * Redis a copy of the whole entry), for whoever runs it inside `readCost.run`:
 * the dashboard keeps answers that cost much longer (shared-read.ts).
 */
export const readCost = new AsyncLocalStorage<{ bytes: number }>();

/** The entries of one readRange script reply (`from`: the start it was called with, ≥ 0). */
export function entriesOf(reply: unknown, from: number, budget?: ReadBudget): ReadEntry[] {
  const [, , items, scores] = reply as Reply;
  const cost = readCost.getStore();
  return items.map((item, i) => {
    const e = toEntry(item, from + i);
    if (cost) cost.bytes += e.bytes;
    if (scores.length > 0) e.score = Number(scores[i]!.toString());
    if (budget) {
      budget.returned += e.whole ? e.bytes : e.head.length + e.tail.length + (e.block?.length ?? 0);
      budget.read += e.bytes;
    }
    return e;
  });
}

/**
 * Reads up to `count` entries from `start` (a negative start only with
 * count 1), cutting large ones, until the budget is spent: a few round trips
 * of at most READ_LIMITS.callReturnBytes each.
 */
export async function readRange(
  redis: RedisClient,
  key: string,
  start: number,
  count: number,
  options: ReadOptions = {},
): Promise<RangeRead> {
  const budget = options.budget ?? new ReadBudget();
  const entries: ReadEntry[] = [];
  let stopped = false;
  let end = false;
  while (entries.length < count) {
    if (budget.spent) {
      stopped = true;
      break;
    }
    const from = start + entries.length;
    const want = count - entries.length;
    const reply = (await runScript(
      redis,
      "readRange",
      [key],
      readRangeArgs(from, want, { ...options, budget }),
      true,
    )) as Reply;
    entries.push(...entriesOf(reply, Math.max(0, from), budget));
    const [consumed, more] = reply;
    if (consumed < want && more === 0) {
      end = true;
      break;
    }
    if (consumed === 0) break;
  }
  return { entries, stopped, end };
}

function toEntry(item: Item, index: number): ReadEntry {
  if (Buffer.isBuffer(item)) {
    return {
      index,
      bytes: item.length,
      whole: item,
      cutSha1: null,
      head: item,
      tail: item,
      block: null,
    };
  }
  const [bytes, hash, head, tail, block] = item;
  return { index, bytes, whole: null, cutSha1: hash.toString(), head, tail, block: block ?? null };
}

// ------------------------------------------------------------------ fields of an entry

/**
 * The top-level members of an entry as far as they were read: all of them for
 * a whole entry; for a cut one, Redrive's appended block (decoded by the
 * script) over the members complete in the head.
 */
export class EntryFields {
  private readonly obj: ParsedObject | null = null;
  private readonly headMembers: Member[] | null = null;
  private readonly block: { buf: Buffer; obj: ParsedObject } | null = null;

  constructor(readonly entry: ReadEntry) {
    if (entry.whole) {
      this.obj = parseTopLevel(entry.whole);
      return;
    }
    // A cut entry cannot be one JSON object unless its last byte (but spaces) is a brace.
    if (entry.tail.toString("latin1").trimEnd().endsWith("}")) {
      this.headMembers = parseTopLevelPrefix(entry.head);
      const obj = this.headMembers && entry.block ? parseTopLevel(entry.block) : null;
      if (obj) this.block = { buf: entry.block!, obj };
    }
  }

  /** Whole entries: whether it is one JSON object; cut ones: whether it starts and ends as one. */
  get isObject(): boolean {
    return this.obj !== null || this.headMembers !== null;
  }

  /** The parsed object of a whole entry (null when cut or not an object). */
  get parsed(): ParsedObject | null {
    return this.obj;
  }

  /** A member's raw JSON text (the last one with that key, as JSON.parse takes it). */
  raw(key: string): string | undefined {
    if (this.obj) {
      const m = findMember(this.obj, key);
      return m ? rawValue(this.entry.whole!, m) : undefined;
    }
    if (this.block) {
      const m = findMember(this.block.obj, key);
      if (m) return rawValue(this.block.buf, m);
    }
    if (this.headMembers) {
      for (let i = this.headMembers.length - 1; i >= 0; i--) {
        const m = this.headMembers[i]!;
        if (m.key === key) return rawValue(this.entry.head, m);
      }
    }
    return undefined;
  }

  /** A string member, or an integer written bare (as ids and job ids sometimes are). */
  string(key: string): string | undefined {
    const text = this.raw(key);
    if (text === undefined) return undefined;
    if (text.startsWith('"')) {
      try {
        return JSON.parse(text) as string;
      } catch {
        return undefined;
      }
    }
    return /^-?\d+$/.test(text) ? text : undefined;
  }

  /** The member parsed, or undefined (absent or not JSON). */
  json(key: string): unknown {
    const text = this.raw(key);
    if (text === undefined) return undefined;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return undefined;
    }
  }
}

/**
 * identityOf for an entry as read. A cut entry gets the same identity as the
 * whole one whenever its top-level `id` lies in the head (and no second `id`
 * follows beyond it); else `h:<sha1>`, from all its bytes either way.
 */
export function entryIdentity(e: ReadEntry, fields?: EntryFields): string {
  if (e.whole) return identityOf(e.whole, fields?.parsed ?? undefined);
  const f = fields ?? new EntryFields(e);
  const id = f.raw("id");
  if (id !== undefined) {
    if (id.startsWith('"')) {
      try {
        return `id:${JSON.parse(id) as string}`;
      } catch {
        // not a string after all: identified by its bytes
      }
    } else if (/^-?\d+$/.test(id)) return `id:${id}`;
  }
  return `h:${e.cutSha1}`;
}

/** sha1 of all the entry's bytes. */
export function entrySha1(e: ReadEntry): string {
  return e.whole ? sha1(e.whole) : e.cutSha1!;
}

/** metadataKeyOf for an entry as read (job_id and filename of a cut one from its head). */
export function entryMetadataKey(e: ReadEntry, f: EntryFields = new EntryFields(e)): string {
  if (e.whole) return metadataKeyOf(e.whole, f.parsed);
  const jobId = f.string("job_id");
  const filename = f.string("filename");
  if (jobId !== undefined && filename !== undefined) return `dlq:metadata:${jobId}:${filename}`;
  return `dlq:metadata:h:${entrySha1(e)}`;
}

/** The text a filter looks in: the entry, or the head and tail read of a cut one. */
export function entryText(e: ReadEntry): string {
  return e.whole
    ? e.whole.toString("utf8")
    : `${e.head.toString("utf8")}\n${e.tail.toString("utf8")}`;
}

/** retryCountOf for an entry as read; absent or malformed counts as 0. */
export function entryRetryCount(f: EntryFields): number {
  return parseRetryCount(f.raw(FIELDS.retryCount));
}

/** failedAtOf for an entry as read. */
export function entryFailedAt(f: EntryFields): number | null {
  const text = f.raw(FIELDS.failedAt);
  return text === undefined ? null : parseTimestamp(text);
}
