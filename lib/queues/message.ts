import { createHash } from "node:crypto";
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
} as const;

/** Fields pushToDlq adds and a requeue removes again. */
const DLQ_FIELDS = [FIELDS.error, FIELDS.failedAt, FIELDS.originalQueue, FIELDS.retryNonce];

export function sha1(buf: Buffer | string): string {
  return createHash("sha1").update(buf).digest("hex");
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
  if (!m) return 0;
  const n = Number(rawValue(buf, m));
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
 * The metadata hash of a DLQ entry: the seed's `dlq:metadata:{job_id}:{filename}`
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
 * The DLQ entry for a message: a JSON object gets retry_count, error
 * {type, message, stack}, failed_at (ISO 8601, UTC) and original_queue; any
 * other message is stored as it is (its details live in the metadata hash).
 */
export function toDlqEntry(buf: Buffer, stamp: DlqStamp): Buffer {
  const error = JSON.stringify({
    type: stamp.error.type,
    message: stamp.error.message,
    ...(stamp.error.stack ? { stack: stamp.error.stack } : {}),
  });
  const edited = editFields(buf, {
    [FIELDS.retryCount]: String(stamp.retryCount),
    [FIELDS.error]: error,
    [FIELDS.failedAt]: JSON.stringify(stamp.failedAt.toISOString()),
    [FIELDS.originalQueue]: JSON.stringify(stamp.originalQueue),
    [FIELDS.retryNonce]: undefined,
  });
  return edited ?? buf;
}

/** The metadata hash fields written beside a DLQ entry (all strings). */
export function metadataFields(buf: Buffer, stamp: DlqStamp): Record<string, string> {
  const obj = parseTopLevel(buf);
  return {
    job_id: stringField(buf, obj, "job_id") ?? "",
    filename: stringField(buf, obj, "filename") ?? "",
    error_type: stamp.error.type,
    error_message: stamp.error.message,
    error_stack: stamp.error.stack ?? "",
    retry_count: String(stamp.retryCount),
    failed_at: stamp.failedAt.toISOString(),
    original_queue: stamp.originalQueue,
  };
}

/**
 * A DLQ entry as it goes back to its work queue: retry_count 0 (if it had one),
 * the DLQ fields removed. Non-objects go back byte for byte.
 */
export function forRequeue(buf: Buffer): Buffer {
  const obj = parseTopLevel(buf);
  if (!obj) return buf;
  const edits: Record<string, string | undefined> = {};
  for (const key of DLQ_FIELDS) if (findMember(obj, key)) edits[key] = undefined;
  if (findMember(obj, FIELDS.retryCount)) edits[FIELDS.retryCount] = "0";
  return Object.keys(edits).length > 0 ? (editFields(buf, edits) ?? buf) : buf;
}

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
    return n > 1e11 ? n / 1000 : n;
  }
  // Python's datetime.isoformat() without a zone means UTC in the seed's backend.
  const iso = /[zZ]|[+-]\d\d:?\d\d$/.test(unquoted) ? unquoted : `${unquoted}Z`;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : ms / 1000;
}
