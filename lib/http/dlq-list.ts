import "server-only";
import type { DlqMessage } from "../queues/types";

/**
 * The most of one entry a list response carries, in characters (a page of 200
 * entries of 1 MB would be 200 MB): the entry's text, and its error message,
 * stack and metadata values, which can be as large.
 */
export const LIST_ENTRY_CHARS = 64 * 1024;
const LIST_FIELD_CHARS = 4 * 1024;

/** An entry as a list shows it: cut where large, without the parsed payload when cut. */
export function forList(m: DlqMessage): DlqMessage {
  const big = (s: string | null, max: number) => s !== null && s.length > max;
  const metadataBig = Object.values(m.metadata ?? {}).some((v) => big(v, LIST_FIELD_CHARS));
  if (
    !big(m.raw, LIST_ENTRY_CHARS) &&
    !big(m.errorMessage, LIST_FIELD_CHARS) &&
    !big(m.errorStack, LIST_ENTRY_CHARS) &&
    !metadataBig
  ) {
    return m;
  }
  const cut = (s: string | null, max: number) => (s === null ? null : s.slice(0, max));
  const cutRaw = big(m.raw, LIST_ENTRY_CHARS);
  return {
    ...m,
    raw: m.raw.slice(0, LIST_ENTRY_CHARS),
    payload: cutRaw ? null : m.payload,
    errorMessage: cut(m.errorMessage, LIST_FIELD_CHARS),
    errorStack: cut(m.errorStack, LIST_ENTRY_CHARS),
    metadata: m.metadata
      ? Object.fromEntries(
          Object.entries(m.metadata).map(([k, v]) => [k, v.slice(0, LIST_FIELD_CHARS)]),
        )
      : null,
    truncated: true,
  };
}
