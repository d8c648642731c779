import { fmtAgo, fmtDuration, fmtInt, fmtTime } from "../format";

/**
 * Text from the DLQ is hostile by assumption: any size, any characters. These
 * helpers bound what reaches the DOM; React's escaping does the rest.
 */

/** The first `max` characters on one line, with an ellipsis when cut. */
export function preview(text: string | null | undefined, max = 120): string {
  if (!text) return "";
  // Only look at a bounded head: a 1 MB entry must not be scanned whole per row.
  const head = text.slice(0, max * 4).replace(/\s+/g, " ");
  return head.length > max || text.length > max * 4 ? `${head.slice(0, max)}…` : head;
}

/** "3 min ago" or "in 3 min". */
export function fmtRelative(epochSeconds: number | null | undefined): string {
  if (epochSeconds === null || epochSeconds === undefined) return "–";
  const delta = epochSeconds - Date.now() / 1000;
  return delta > 1 ? `in ${fmtDuration(delta)}` : fmtAgo(epochSeconds);
}

export { fmtInt, fmtTime };

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${fmtInt(n)} ${n === 1 ? one : many}`;
}

/**
 * What moving messages by position costs Redis (README, "DLQ operations"):
 * Redis lists have no remove-at-index, so the move ends with one LREM that
 * walks the list from its nearer end to the farthest message moved, and Redis
 * serves no other client meanwhile. Measured on a 2-core machine with entries
 * of about 400 bytes; larger entries cost more.
 */
export const WALK_MS_PER_100K = 15;

/** From here on (about 7 ms) an admin is told before moving messages by position. */
export const DEEP_WALK_ENTRIES = 50_000;

/** The entries LREM walks to move the messages at `indices` of a DLQ of `length`. */
export function removalWalk(indices: readonly number[], length: number): number {
  if (indices.length === 0) return 0;
  const lowest = Math.min(...indices);
  const highest = Math.max(...indices);
  return Math.max(0, Math.min(highest + 1, length - lowest));
}

/** Why moving these messages stalls Redis, when it does; null when it is quick. */
export function deepMoveNote(indices: readonly number[], length: number): string | null {
  const walk = removalWalk(indices, length);
  if (walk < DEEP_WALK_ENTRIES) return null;
  const ms = Math.max(1, Math.round((walk / 100_000) * WALK_MS_PER_100K));
  return (
    `Redis will walk ${fmtInt(walk)} entries from the nearer end of the DLQ to remove ` +
    `${indices.length === 1 ? "this message" : "these messages"} (lists have no remove-at-index), ` +
    `and serves no other client meanwhile: about ${fmtInt(ms)} ms at ${WALK_MS_PER_100K} ms per ` +
    "100 000 entries. Requeue all and Delete all work from the oldest end, under 10 ms per call."
  );
}
