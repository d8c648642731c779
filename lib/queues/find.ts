/**
 * "Where is job X?": a bounded scan for the entries whose JSON field holds a
 * value (`job_id` = "6b4c87a6…"), across each queue's work list, processing
 * list, retry set and DLQ. One call scans as far as its budgets allow and
 * says where it stopped; the caller (the Find page, the API) continues from
 * there, showing how far it got. Redis returns only the positions of the
 * matches (findField-1.lua); the matches alone are then read.
 */
import { runScript } from "../redis/scripts";
import type { RedisClient } from "../redis/client";
import { keysOf, type EngineContext } from "./context";
import { dlqViews } from "./dlq-read";
import { entrySha1, readRange, type ReadEntry } from "./read";
import { retryView } from "./retry";
import type { Found, Place } from "./types";

export type { Found, Place };

/**
 * Where a message can be, in the order it moves through them: a scan in this
 * order finds one that moves forward while it runs, in the place it moved to.
 */
export const PLACES = ["work", "processing", "retry", "dlq"] as const satisfies readonly Place[];

export const FIND_LIMITS = {
  /** Entries one script call looks at (a few ms of Redis time)... */
  callEntries: 2_000,
  /** ...and bytes of entries it reads: Redis serves no one else meanwhile. */
  callReadBytes: 1024 * 1024,
  /** One request looks at this many entries at most... */
  requestEntries: 200_000,
  /** ...reads this many bytes... */
  requestReadBytes: 256 * 1024 * 1024,
  /** ...runs this long... */
  requestMs: 1_500,
  /** ...and stops at this many matches. */
  requestHits: 20,
} as const;

/** The field and value sought, and the forms the value takes as JSON text. */
export interface FieldMatch {
  field: string;
  value: string;
}

/** Where a scan is: a queue, a place of it, and the position reached there. */
export interface FindCursor {
  queue: string;
  place: Place;
  offset: number;
}

export interface FindStep {
  found: Found[];
  /** Entries looked at by this step. */
  scanned: number;
  /** Each place this step finished, with how many entries it looked at there in all. */
  finished: { queue: string; place: Place; scanned: number }[];
  /** Where to go on from, or null when every place of every queue was scanned. */
  next: FindCursor | null;
}

/** The value's forms as JSON text: a string, and a bare number when it reads as one. */
export function valueForms(value: string): string[] {
  const forms = [JSON.stringify(value)];
  // Python's json.dumps escapes every non-ASCII character by default.
  const ascii = forms[0]!.replace(
    /[\u0080-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
  if (ascii !== forms[0]) forms.push(ascii);
  if (/^-?\d{1,30}$/.test(value)) forms.push(value);
  return forms;
}

function keyOf(ctx: EngineContext, queue: string, place: Place): string {
  const keys = keysOf(ctx, queue);
  return place === "work" ? keys.work : keys[place];
}

const kindOf = (place: Place) => (place === "retry" ? "zset" : "list");

type Reply = [number, number, number, number[], string[]];

interface ScanCall {
  consumed: number;
  done: boolean;
  /** Each match's position and sha1. */
  hits: [number, string][];
}

interface Budget {
  entries: number;
  read: number;
  until: number;
}

/** One script call over one place; the matches' positions and sha1s. */
async function scanCall(
  redis: RedisClient,
  key: string,
  place: Place,
  offset: number,
  match: FieldMatch,
  budget: Budget,
): Promise<ScanCall> {
  const count = Math.min(FIND_LIMITS.callEntries, budget.entries);
  const [consumed, more, read, positions, sha1s] = (await runScript(
    redis,
    "findField",
    [key],
    [
      kindOf(place),
      offset,
      count,
      Math.min(FIND_LIMITS.callReadBytes, budget.read),
      JSON.stringify(match.field),
      ...valueForms(match.value),
    ],
  )) as Reply;
  budget.entries -= consumed;
  budget.read -= read;
  return {
    consumed,
    done: consumed < count && more === 0,
    hits: positions.map((p, i) => [p, String(sha1s[i])]),
  };
}

/** What a reader is shown of a match: itself, masked, or nothing (a masked value). */
export type Shown = (found: Found) => Found | null;

/** At most this many matches of one call are read back; the next call goes on after them. */
const READ_BACK = 100;

/**
 * Scans from `from` until every place of every queue is done or a budget of
 * FIND_LIMITS is spent. Each call's matches are read back at once (the lists
 * move) and passed through `shown`: only what the reader is shown counts
 * toward the step's 20 and sets where the next step goes on, so that a match
 * a reader may not see tells nothing, not even by where a step stopped.
 * `queues` is the order the scan takes (the caller's queues, or one).
 */
export async function findEntries(
  ctx: EngineContext,
  queues: readonly string[],
  match: FieldMatch,
  from: FindCursor,
  shown: Shown = (f) => f,
): Promise<FindStep> {
  const budget = {
    entries: FIND_LIMITS.requestEntries,
    read: FIND_LIMITS.requestReadBytes,
    until: Date.now() + FIND_LIMITS.requestMs,
  };
  const step: FindStep = { found: [], scanned: 0, finished: [], next: null };
  let at: FindCursor | null = from;
  while (at && step.found.length < FIND_LIMITS.requestHits && !spent(budget)) {
    const key = keyOf(ctx, at.queue, at.place);
    const call = await scanCall(ctx.redis, key, at.place, at.offset, match, budget);
    if (call.hits.length > READ_BACK) stopAfter(call, READ_BACK, at.offset);
    const read = await readHits(
      ctx,
      call.hits.map(([position, sha1]) => ({ ...at!, key, position, sha1 })),
    );
    const visible = read.flatMap((r) => {
      const f = shown(r.found);
      return f ? [{ ...r, found: f }] : [];
    });
    const room = FIND_LIMITS.requestHits - step.found.length;
    // More than this step shows: stop right after the last one shown.
    if (visible.length > room) stopAt(call, visible[room - 1]!.position, at.offset);
    step.found.push(...visible.slice(0, room).map((v) => v.found));
    step.scanned += call.consumed;
    const offset: number = at.offset + call.consumed;
    if (call.done) {
      step.finished.push({ queue: at.queue, place: at.place, scanned: offset });
      at = after(queues, at);
    } else at = { ...at, offset };
  }
  step.next = at;
  return step;
}

/** The call ends at its `n`th match: what follows is for the next call. */
function stopAfter(call: ScanCall, n: number, offset: number): void {
  stopAt(call, call.hits[n - 1]![0], offset);
  call.hits.length = n;
}

function stopAt(call: ScanCall, position: number, offset: number): void {
  call.consumed = position + 1 - offset;
  call.done = false;
}

interface Hit extends FindCursor {
  key: string;
  position: number;
  sha1: string;
}

const spent = (b: Budget) => b.entries <= 0 || b.read <= 0 || Date.now() >= b.until;

/** The place after `at`'s, in the next queue after the last place; null after the last. */
function after(queues: readonly string[], at: FindCursor): FindCursor | null {
  const p = PLACES.indexOf(at.place);
  if (p + 1 < PLACES.length) return { queue: at.queue, place: PLACES[p + 1]!, offset: 0 };
  const q = queues.indexOf(at.queue);
  return q + 1 < queues.length ? { queue: queues[q + 1]!, place: PLACES[0], offset: 0 } : null;
}

/** How far around a match's position to look for it when the list moved since. */
const DRIFT = 4;

/**
 * Each match read and shown, found by its sha1 where it was or near (a list
 * shifts as producers push and consumers pop); a match gone from there is left
 * out, and one entry resolved twice (a shift between two calls) is shown once.
 */
async function readHits(
  ctx: EngineContext,
  hits: Hit[],
): Promise<{ found: Found; position: number }[]> {
  const seen = new Set<string>();
  const entries: { hit: Hit; entry: ReadEntry }[] = [];
  for (const hit of hits) {
    const entry = await reread(ctx, hit);
    const id = entry && `${hit.queue}:${hit.place}:${entry.index}`;
    if (!entry || seen.has(id!)) continue;
    seen.add(id!);
    entries.push({ hit, entry });
  }
  const dead = entries.filter((x) => x.hit.place === "dlq").map((x) => x.entry);
  const views = await dlqViews(ctx, dead);
  return entries.map(({ hit, entry }) => {
    const base = { queue: hit.queue, place: hit.place, index: entry.index };
    const found =
      hit.place === "dlq"
        ? { ...base, dlq: views[dead.indexOf(entry)] }
        : { ...base, entry: retryView(entry) };
    return { found, position: hit.position };
  });
}

/** The match at its position, else the nearest entry around it with its sha1, else null. */
async function reread(ctx: EngineContext, hit: Hit): Promise<ReadEntry | null> {
  const from = Math.max(0, hit.position - DRIFT);
  const read = await readRange(ctx.redis, hit.key, from, 2 * DRIFT + 1, {
    kind: kindOf(hit.place),
  });
  const same = read.entries.filter((e) => entrySha1(e) === hit.sha1);
  const distance = (e: ReadEntry) => Math.abs(e.index - hit.position);
  return same.sort((a, b) => distance(a) - distance(b))[0] ?? null;
}

const BLANK = new Set([" ", "\t", "\n", "\r"]);
const NUMBER_GOES_ON = /[\d.eE]/;

function skipBack(text: string, i: number): number {
  while (i >= 0 && BLANK.has(text[i]!)) i -= 1;
  return i;
}

/**
 * Whether `text` holds the field with the value, by findField-1.lua's rule:
 * what a reader shown a masked entry is matched on, so that a search never
 * tells a masked value.
 */
export function fieldMatches(text: string, match: FieldMatch): boolean {
  const field = JSON.stringify(match.field);
  return valueForms(match.value).some((form) => {
    for (let at = text.indexOf(form); at >= 0; at = text.indexOf(form, at + 1)) {
      const colon = skipBack(text, at - 1);
      if (colon < 0 || text[colon] !== ":") continue;
      const end = skipBack(text, colon - 1) + 1;
      if (text.slice(Math.max(0, end - field.length), end) !== field) continue;
      const next = text[at + form.length];
      if (form.startsWith('"') || next === undefined || !NUMBER_GOES_ON.test(next)) return true;
    }
    return false;
  });
}

const CURSOR = /^([a-z][a-z0-9_-]{0,31}):(work|processing|retry|dlq):(\d{1,10})$/;

export const formatCursor = (c: FindCursor) => `${c.queue}:${c.place}:${c.offset}`;

/** A cursor of `formatCursor` over one of `queues`, else null. */
export function parseCursor(text: string, queues: readonly string[]): FindCursor | null {
  const m = CURSOR.exec(text);
  if (!m || !queues.includes(m[1]!)) return null;
  return { queue: m[1]!, place: m[2] as Place, offset: Number(m[3]) };
}

/** The length of the place a scan goes on in, for its progress. */
export async function placeLength(ctx: EngineContext, at: FindCursor): Promise<number> {
  const key = keyOf(ctx, at.queue, at.place);
  return at.place === "retry" ? ctx.redis.zcard(key) : ctx.redis.llen(key);
}
