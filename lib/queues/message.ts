import * as crypto from "node:crypto";
import { constants, deflateRawSync, inflateRawSync } from "node:zlib";
import { editFields, findMember, parseTopLevel, rawValue, type ParsedObject } from "./rawJson";

/**
 * What Redrive reads from and writes into messages. Every field named here is
 * listed in the README ("Fields Redrive adds or changes"); nothing else in a
 * message is ever touched.
 */
export const FIELDS = {
  retryCount: "retry_count",
  error: "error",
  failedAt: "failed_at",
  originalQueue: "original_queue",
  retryNonce: "retry_nonce",
  undo: "redrive_undo",
} as const;

/** Fields pushToDlq adds and a requeue removes again. */
const DLQ_FIELDS = [FIELDS.error, FIELDS.failedAt, FIELDS.originalQueue, FIELDS.retryNonce];

// crypto.hash (Node.js 20.12 and later) is the one-shot form: about half the
// cost of createHash for an entry of a few KB, paid for each entry of a page.
const oneShot = (crypto as { hash?: (algorithm: string, data: Buffer | string) => string }).hash;

export function sha1(buf: Buffer | string): string {
  return oneShot ? oneShot("sha1", buf) : crypto.createHash("sha1").update(buf).digest("hex");
}

/**
 * A message's identity: `id:<value>` from its top-level `id` (a string or an
 * integer, as written), else `h:<sha1 of its bytes>`, which also names foreign
 * messages (JSON without ids, text that is not JSON).
 */
export function identityOf(buf: Buffer, obj: ParsedObject | null = parseTopLevel(buf)): string {
  const id = obj ? findMember(obj, "id") : undefined;
  if (id) {
    const text = rawValue(buf, id);
    if (text.startsWith('"')) return `id:${JSON.parse(text) as string}`;
    if (/^-?\d+$/.test(text)) return `id:${text}`;
  }
  return `h:${sha1(buf)}`;
}

/** Whether an entry has this identity; sha1 first, so most entries cost no parse. */
export function hasIdentity(raw: Buffer, identity: string): boolean {
  // Equal sha1, equal bytes: a cut entry's `h:` identity names it even when its
  // `id` lay beyond the head that was read.
  if (identity.startsWith("h:")) return sha1(raw) === identity.slice(2);
  return raw.includes('"id"') && identityOf(raw) === identity;
}

function stringField(buf: Buffer, obj: ParsedObject | null, key: string): string | undefined {
  const m = obj ? findMember(obj, key) : undefined;
  if (!m) return undefined;
  const text = rawValue(buf, m);
  if (text.startsWith('"')) return JSON.parse(text) as string;
  return /^-?\d+$/.test(text) ? text : undefined;
}

/** retry_count as a number; absent or malformed counts as 0 (a first attempt). */
export function retryCountOf(buf: Buffer, obj: ParsedObject | null = parseTopLevel(buf)): number {
  const m = obj ? findMember(obj, FIELDS.retryCount) : undefined;
  return m ? parseRetryCount(rawValue(buf, m)) : 0;
}

/**
 * A retry count as written (an entry's field, a metadata hash's value): a
 * whole number of at least 0, else 0. Another producer may write "2.5", "-1"
 * or "1e999", and the API promises a count (Infinity would reach a client as null).
 */
export function parseRetryCount(text: string | undefined): number {
  if (text === undefined) return 0;
  const n = Number(text);
  return Number.isInteger(n) && n >= 0 ? n : 0;
}

export interface ErrorInfo {
  type: string;
  message: string;
  stack?: string;
}

export function toErrorInfo(error: unknown): ErrorInfo {
  if (error instanceof Error) {
    return { type: error.name || "Error", message: error.message, stack: error.stack };
  }
  return { type: "Error", message: typeof error === "string" ? error : JSON.stringify(error) };
}

/**
 * The metadata hash of a DLQ entry: the Python backend's `dlq:metadata:{job_id}:{filename}`
 * when the message has both; otherwise Redrive's `dlq:metadata:h:{sha1 of the DLQ
 * entry}` so that foreign messages keep their error details too. Always derive
 * it from the entry as stored in the DLQ, which is what later reads see.
 */
export function metadataKeyOf(buf: Buffer, obj: ParsedObject | null = parseTopLevel(buf)): string {
  const jobId = stringField(buf, obj, "job_id");
  const filename = stringField(buf, obj, "filename");
  if (jobId !== undefined && filename !== undefined) {
    return `dlq:metadata:${jobId}:${filename}`;
  }
  return `dlq:metadata:h:${sha1(buf)}`;
}

/** The retry bookkeeping for the next attempt: retry_count set to `count`. */
export function withRetryCount(buf: Buffer, count: number): Buffer {
  return editFields(buf, { [FIELDS.retryCount]: String(count) }) ?? buf;
}

/** Makes a message unique in a retry set without touching its other fields. */
export function withRetryNonce(buf: Buffer, nonce: string): Buffer {
  return editFields(buf, { [FIELDS.retryNonce]: JSON.stringify(nonce) }) ?? buf;
}

export interface DlqStamp {
  error: ErrorInfo;
  retryCount: number;
  failedAt: Date;
  originalQueue: string;
}

/**
 * The DLQ entry for a message. A JSON object keeps its bytes (retry_count set
 * in place to the retries made) and gets one block of members appended:
 *
 *   ,"error":{"type","message","stack"},"failed_at":"<ISO 8601 UTC>",
 *    "original_queue":"<queue>"[,"retry_count":N],"redrive_undo":{"v":2,"cut":C,"rc":[A,Z]}}
 *
 * `redrive_undo` records its version, where the block starts (C) and where
 * retry_count's value is (A to Z), so that a requeue can restore the message
 * with plain byte splicing, in Redis itself (requeueTail-2.lua), without
 * parsing JSON. retry_count is in the block (and "rc" absent) only when the
 * message had none. Any other message is stored as it is
 * (its error details live in the metadata hash).
 */
export function toDlqEntry(buf: Buffer, stamp: DlqStamp): Buffer {
  const original = parseTopLevel(buf);
  if (!original) return buf;
  const hasCount = findMember(original, FIELDS.retryCount) !== undefined;
  const edits: Record<string, string | undefined> = {};
  for (const key of [...DLQ_FIELDS, FIELDS.undo]) edits[key] = undefined;
  if (hasCount) edits[FIELDS.retryCount] = String(stamp.retryCount);
  const base = editFields(buf, edits)!;
  const obj = parseTopLevel(base)!;
  const rc = findMember(obj, FIELDS.retryCount);
  const undoable =
    obj.close === base.length - 1 &&
    (!rc || base.toString("latin1", rc.valueStart - RC_KEY.length, rc.valueStart) === RC_KEY);
  const members = [
    `"error":${JSON.stringify({ type: stamp.error.type, message: stamp.error.message, ...stackMember(stamp.error.stack) })}`,
    `"failed_at":${JSON.stringify(stamp.failedAt.toISOString())}`,
    `"original_queue":${JSON.stringify(stamp.originalQueue)}`,
    ...(rc ? [] : [`"retry_count":${stamp.retryCount}`]),
  ];
  const cut = obj.close;
  const lead = obj.members.length > 0 ? "," : "";
  const span = rc ? `,"rc":[${rc.valueStart},${rc.valueEnd}]` : "";
  const undo = undoable ? [`"redrive_undo":{"v":${UNDO_VERSION},"cut":${cut}${span}}`] : [];
  return Buffer.concat([
    base.subarray(0, cut),
    Buffer.from(lead + [...members, ...undo].join(",")),
    base.subarray(cut),
  ]);
}

const RC_KEY = `"${FIELDS.retryCount}":`;

/**
 * The trailer's version (docs/stored-state.md): 2 is the object
 * `{"v":2,"cut":C[,"rc":[A,Z]]}`, written since schema 2; 1 is 0.1.0's array
 * `[C[,A,Z]]`, still read, since entries stay in a DLQ for weeks and are never
 * rewritten. A trailer of any other form or version is not spliced: the parser
 * restores that entry (forRequeue), as 0.1.0 does with version 2.
 */
export const UNDO_VERSION = 2;
const UNDO_V2 = /"redrive_undo":\{"v":2,"cut":(\d+)(?:,"rc":\[(\d+),(\d+)\])?\}\}$/;
const UNDO_V1 = /"redrive_undo":\[(\d+)(?:,(\d+),(\d+))?\]\}$/;

/** How far from the end a trailer may start: a version 2 one with three 10-digit offsets fits. */
export const UNDO_TAIL_BYTES = 96;

/**
 * The restored message for an entry with a valid redrive_undo trailer, or null.
 * requeueTail-2.lua applies exactly the same checks and splice.
 */
function undoRequeue(buf: Buffer): Buffer | null {
  // Both trailers end in "}}" or "]}": most foreign entries are told at once,
  // without the string and the two patterns below (about 1 µs an entry).
  const closer = buf[buf.length - 2];
  if (buf[0] !== 0x7b || (closer !== 0x7d && closer !== 0x5d)) return null;
  const tail = buf.toString("latin1", Math.max(0, buf.length - UNDO_TAIL_BYTES));
  const m = UNDO_V2.exec(tail) ?? UNDO_V1.exec(tail);
  if (!m) return null;
  const cut = Number(m[1]);
  const opener = cut === 1 ? '"error":' : ',"error":';
  if (cut >= buf.length || buf.toString("latin1", cut, cut + opener.length) !== opener) return null;
  if (m[2] === undefined) return Buffer.concat([buf.subarray(0, cut), Buffer.from("}")]);
  const start = Number(m[2]);
  const end = Number(m[3]);
  if (!(
    start < end &&
    end <= cut &&
    buf.toString("latin1", start - RC_KEY.length, start) === RC_KEY
  )) {
    return null;
  }
  return Buffer.concat([
    buf.subarray(0, start),
    Buffer.from("0"),
    buf.subarray(end, cut),
    Buffer.from("}"),
  ]);
}

/**
 * Stacks up to this size are kept as text in a DLQ entry's error block; a
 * longer one as `{"deflate": "<base64 of its raw DEFLATE bytes>"}`. Stack
 * traces repeat their paths line after line, so a 2 KB one takes 500-800
 * bytes, and a dead letter costs Redis less than half of a BullMQ failed job
 * (README, "Benchmarks").
 */
export const STACK_TEXT_BYTES = 512;

/**
 * Stacks are kept up to this size (a stack is shown, not replayed), and a
 * reader inflates no more than this, whatever another writer put there.
 */
export const STACK_INFLATED_BYTES = 64 * 1024;

/** The head of a stack that is kept: up to what a reader inflates, without a cut character. */
function keptStack(stack: string): string {
  const bytes = Buffer.from(stack);
  if (bytes.length <= STACK_INFLATED_BYTES) return stack;
  return bytes
    .subarray(0, STACK_INFLATED_BYTES)
    .toString("utf8")
    .replace(/\uFFFD$/, "");
}

function stackMember(stack: string | undefined): { stack?: string | { deflate: string } } {
  if (!stack) return {};
  if (Buffer.byteLength(stack) <= STACK_TEXT_BYTES) return { stack };
  return { stack: { deflate: deflateRawSync(keptStack(stack)).toString("base64") } };
}

/**
 * The text of an error block's `stack`: itself when a string, inflated when
 * `{"deflate": …}` (at most STACK_INFLATED_BYTES; the head of it when its
 * base64 was cut), else null. Never throws on what another writer put there.
 */
export function stackText(value: unknown): string | null {
  if (typeof value === "string") return value;
  const deflated = (value as { deflate?: unknown } | null)?.deflate;
  if (typeof deflated !== "string") return null;
  const input = Buffer.from(deflated, "base64");
  // A head of the input that inflates within the cap: halving keeps a bomb to a few tries.
  for (let n = input.length; n > 0; n = Math.floor(n / 2)) {
    try {
      return inflateRawSync(input.subarray(0, n), {
        finishFlush: constants.Z_SYNC_FLUSH,
        maxOutputLength: STACK_INFLATED_BYTES,
      }).toString("utf8");
    } catch (e) {
      if ((e as { code?: string }).code !== "ERR_BUFFER_TOO_LARGE") return null;
    }
  }
  return null;
}

/**
 * The metadata hash fields written beside a DLQ entry (all strings), from the
 * message as it failed (`buf`) and the DLQ entry made of it. `dlq_entry_sha1`
 * names the entry the hash describes: two failures of one job and file share
 * the key `dlq:metadata:{job_id}:{filename}`, and the newer overwrites it, so
 * a reader joins the hash only to the entry it names (or to any entry when a
 * writer without this field made it).
 */
export const METADATA_OWNER = "dlq_entry_sha1";

export function metadataFields(
  buf: Buffer,
  stamp: DlqStamp,
  entry: Buffer,
): Record<string, string> {
  const obj = parseTopLevel(buf);
  return {
    [METADATA_OWNER]: sha1(entry),
    job_id: stringField(buf, obj, "job_id") ?? "",
    filename: stringField(buf, obj, "filename") ?? "",
    error_type: stamp.error.type,
    error_message: stamp.error.message,
    // A JSON object's entry carries the stack (toDlqEntry): a copy here would
    // double a dead letter's size and take the hash out of Redis's compact encoding.
    // Otherwise the hash holds it, bounded as an entry's is.
    error_stack: obj ? "" : keptStack(stamp.error.stack ?? ""),
    retry_count: String(stamp.retryCount),
    failed_at: stamp.failedAt.toISOString(),
    original_queue: stamp.originalQueue,
  };
}

/**
 * Whether requeueTail-2.lua restores this entry itself (it mirrors these
 * checks): an entry with a valid redrive_undo trailer, or one whose first byte
 * rules out a JSON object.
 */
export function restorableInRedis(buf: Buffer): boolean {
  const first = buf[0];
  if (first === undefined) return true;
  if (first === 0x7b) return undoRequeue(buf) !== null;
  return !(first === 0x20 || first === 0x09 || first === 0x0a || first === 0x0d);
}

/**
 * A DLQ entry as it goes back to its work queue. An entry Redrive wrote (with
 * redrive_undo) becomes the message as it was taken, retry_count 0. Any other
 * JSON object loses the DLQ fields and gets retry_count 0 if it had one.
 * Non-objects go back byte for byte.
 */
export function forRequeue(buf: Buffer): Buffer {
  const undone = undoRequeue(buf);
  if (undone) return undone;
  const obj = parseTopLevel(buf);
  if (!obj) return buf;
  // One pass over the members (this runs once per entry of a requeue all).
  let edits: Record<string, string | undefined> | null = null;
  for (const { key } of obj.members) {
    if (REQUEUE_REMOVES.has(key)) (edits ??= {})[key] = undefined;
    else if (key === FIELDS.retryCount) (edits ??= {})[key] = "0";
  }
  return edits ? (editFields(buf, edits, obj) ?? buf) : buf;
}

const REQUEUE_REMOVES = new Set<string>([...DLQ_FIELDS, FIELDS.undo]);

/** failed_at of an entry as epoch seconds: ISO text or a number (s or ms). */
export function failedAtOf(
  buf: Buffer,
  obj: ParsedObject | null = parseTopLevel(buf),
): number | null {
  const m = obj ? findMember(obj, FIELDS.failedAt) : undefined;
  return m ? parseTimestamp(rawValue(buf, m)) : null;
}

export function parseTimestamp(text: string): number | null {
  let unquoted = text;
  if (text.startsWith('"')) {
    try {
      unquoted = String(JSON.parse(text));
    } catch {
      return null;
    }
  }
  if (/^\d+(\.\d+)?$/.test(unquoted)) {
    const n = Number(unquoted);
    // Epoch milliseconds are 13 digits today; seconds are 10.
    return plausible(n > 1e11 ? n / 1000 : n);
  }
  // Python's datetime.isoformat() without a zone means UTC in the Python backend.
  const iso = /[zZ]|[+-]\d\d:?\d\d$/.test(unquoted) ? unquoted : `${unquoted}Z`;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : plausible(ms / 1000);
}

/** Up to the end of year 9999: beyond it a date cannot be shown, so the time is unknown. */
const LATEST_SECONDS = 253_402_300_799;

function plausible(seconds: number): number | null {
  return Number.isFinite(seconds) && seconds >= 0 && seconds <= LATEST_SECONDS ? seconds : null;
}
