import { z } from "zod";
import { HttpError } from "@/lib/http/errors";
import { DlqMessageResponseSchema } from "@/lib/http/responses";
import { adminRead } from "@/lib/http/route";
import { withQueue } from "@/lib/http/path-guards";
import { Identity } from "@/lib/http/schemas";
import { redactorFor } from "@/lib/queues/redact";
import { EDIT_MESSAGE_MAX_BYTES } from "@/lib/queues/limits";
import { forRequeue, sha1 } from "@/lib/queues/message";
import type { DlqMessage } from "@/lib/queues/types";
import { documented } from "@/lib/http/route-doc";

const Query = z.object({ identity: Identity });
const Index = z.coerce.number().int().min(0).max(1e9);

/** One entry whole (lists cut large ones): at its index, or wherever it moved; 404 when gone. */
export const GET = adminRead(
  DlqMessageResponseSchema,
  withQueue(async (request, ctx) => {
    const { queue } = ctx;
    const index = Index.parse(ctx.params.index);
    const { identity } = Query.parse(Object.fromEntries(new URL(request.url).searchParams));
    const message = await ctx.engine.getDlqMessage(queue, index, identity);
    if (!message) throw new HttpError(404, "NOT_FOUND", "This message is no longer in the DLQ");
    const redactor = redactorFor(ctx.config, ctx.user);
    if (redactor) return { body: { queue, message: redactor.view(message), editable: null } };
    return {
      body: { queue, message, editable: ctx.user.role === "admin" ? editableOf(message) : null },
    };
  }),
);

/**
 * What the editor of fix-then-requeue opens: the message as it goes back, and
 * the sha1 of the entry it came from. The bytes are the view's text encoded
 * again, which are the entry's only when it was valid UTF-8: a text with a
 * replacement character (what invalid bytes decode to) is not offered.
 */
function editableOf(message: DlqMessage) {
  if (!message.isJson || message.truncated || message.raw.includes("\uFFFD")) return null;
  const bytes = Buffer.from(message.raw);
  if (bytes.length > EDIT_MESSAGE_MAX_BYTES) return null;
  return { sha1: sha1(bytes), text: forRequeue(bytes).toString() };
}

documented(GET, {
  summary: "One dead letter whole (up to 16 MB), checked against its identity.",
  query: Query,
  errors: [404, 413],
});
