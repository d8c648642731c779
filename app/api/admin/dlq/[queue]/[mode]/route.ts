import { laterDetail, laterOf, moveAction, withMoveMode, withQueue } from "@/lib/http/path-guards";
import { RequeueResponseSchema } from "@/lib/http/responses";
import { adminMutation } from "@/lib/http/route";
import { Selection } from "@/lib/http/schemas";
import { moveMany } from "@/lib/queues/dlq-move";
import { documented } from "@/lib/http/route-doc";

/**
 * POST …/requeue and …/delete: the selected messages, named by identity (and
 * the index the admin saw, a hint); the answer says which had already gone.
 */
export const POST = adminMutation(
  RequeueResponseSchema,
  moveAction(" selected"),
  withMoveMode(
    withQueue(async (_request, { engine, queue, mode, body }) => {
      const { messages, at } = Selection.parse(body);
      const result = await moveMany(engine.ctx, queue, messages, mode, laterOf(mode, at));
      const missing = result.missing.length > 0 ? `${result.missing.length} missing` : undefined;
      const detail = [laterDetail(at), missing].filter(Boolean).join("; ") || undefined;
      return {
        body: result,
        audit: { identities: result.moved, count: result.moved.length, detail },
      };
    }),
  ),
);

documented(POST, {
  summary:
    "Requeues (now, or later with `at`) or deletes up to 1 000 selected messages by identity; `missing` lists those already gone.",
  body: Selection,
  errors: [404],
});
