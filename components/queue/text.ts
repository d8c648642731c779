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
