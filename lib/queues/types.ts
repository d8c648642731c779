/**
 * Response shapes of the engine, declared once and shared by the API and the UI.
 * Times are Unix epoch seconds.
 */

export interface DlqMessage {
  /** Position in the DLQ when read; 0 is the newest. */
  index: number;
  /** `id:<id>` or `h:<sha1>`: what an action names besides the index. */
  identity: string;
  /** The entry as text (UTF-8; invalid bytes shown as U+FFFD). */
  raw: string;
  bytes: number;
  /** Whether the entry is one well-formed JSON object. */
  isJson: boolean;
  /** JSON.parse of the entry when it is an object (integers beyond 2^53 are rounded here; `raw` is exact). */
  payload: unknown;
  jobId: string | null;
  filename: string | null;
  errorType: string | null;
  errorMessage: string | null;
  errorStack: string | null;
  retryCount: number;
  failedAt: number | null;
  originalQueue: string | null;
  metadataKey: string;
  /** The metadata hash's fields, or null when there is none (expired or never written). */
  metadata: Record<string, string> | null;
  /**
   * Set in lists when the entry is larger than a list shows (64 KB): `raw`
   * holds its first bytes, `payload` is null, `isJson` says whether it starts
   * and ends like a JSON object, and the error comes from Redrive's block at
   * its end or the metadata hash; the error message, stack and metadata values
   * are cut too. GET …/dlq/{queue}/message/{index} has it whole (up to 16 MB).
   */
  truncated?: boolean;
}

export interface ScheduledRetryView {
  /** Position when listed, soonest first. */
  rank: number;
  identity: string;
  /** Due time, epoch seconds. */
  due: number;
  /** The message, or its first bytes when `truncated`. */
  raw: string;
  bytes: number;
  retryCount: number;
  /** Set when the message is larger than a list shows (64 KB). */
  truncated?: boolean;
}

export interface QueueStats {
  queue: string;
  work: number;
  processing: number;
  retry: number;
  /** Retries whose due time has passed (the worker service promotes them). */
  retryDue: number;
  /** Due time of the next scheduled retry. */
  nextRetryAt: number | null;
  dlq: number;
  /** failed_at of the oldest DLQ entry, when it has one. */
  oldestDlqAt: number | null;
  oldestDlqAgeSeconds: number | null;
}

/** Top error groups of a DLQ (errorGroups.ts); here so that redact.ts and the metrics can name them. */
export interface ErrorGroup {
  id: string;
  errorType: string;
  /** The normalised message. */
  pattern: string;
  /** One real message of the group. */
  example: string;
  count: number;
  firstSeen: number | null;
  lastSeen: number | null;
}

export interface ErrorGroups {
  groups: ErrorGroup[];
  /** Entries looked at, newest first. */
  scanned: number;
  total: number;
  /** False when the entry count or the byte budget stopped the scan before the end. */
  complete: boolean;
  /** Where the scan stopped, or null when it reached the end. */
  nextOffset: number | null;
  /** Mean retry_count of the entries looked at (null when none). */
  averageRetryCount: number | null;
}
