import "server-only";
import type { MoveMode } from "../queues/dlq-move";
import type { DlqMessage } from "../queues/types";
import { HttpError } from "./errors";
import { RequeueResponseSchema } from "./responses";
import { adminMutation, withQueue } from "./route";
import { Selection, SingleMessage } from "./schemas";

/**
 * Requeue and delete share their shape: one message named by index and
 * identity, or a selection by identities. One factory each, so the two modes
 * cannot drift apart.
 */
export function moveOneRoute(mode: MoveMode) {
  return adminMutation(
    RequeueResponseSchema,
    mode,
    withQueue(async (_request, { engine, params, queue, body }) => {
      const raw = params.index ?? "";
      if (!/^\d{1,9}$/.test(raw))
        throw new HttpError(400, "INVALID", "index must be a whole number");
      const { identity } = SingleMessage.parse(body);
      const index = Number(raw);
      await engine.moveFromDlq(queue, index, identity, mode);
      return { body: { moved: [identity], missing: [] }, audit: { identities: [identity] } };
    }),
  );
}

export function moveSelectedRoute(mode: MoveMode) {
  return adminMutation(
    RequeueResponseSchema,
    `${mode} selected`,
    withQueue(async (_request, { engine, queue, body }) => {
      const { messages } = Selection.parse(body);
      const result = await engine.moveMany(queue, messages, mode);
      const detail = result.missing.length > 0 ? `${result.missing.length} missing` : undefined;
      return {
        body: result,
        audit: { identities: result.moved, count: result.moved.length, detail },
      };
    }),
  );
}

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
