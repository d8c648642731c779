/** Limits the UI shares with the DLQ routes' input schemas, free of server code so that the browser can import them. */

/** POST /api/admin/dlq/[queue]/tasks: the highest `ratePerSecond` (0 means no limit). */
export const REDRIVE_RATE_MAX = 1_000_000;

/** POST /api/admin/dlq/[queue]/purge: the highest `olderThanDays` (ten years). */
export const PURGE_DAYS_MAX = 3650;

/** Fix then requeue: the largest message the editor takes, in bytes (request bodies are at most 1 MB, escaped). */
export const EDIT_MESSAGE_MAX_BYTES = 256 * 1024;
