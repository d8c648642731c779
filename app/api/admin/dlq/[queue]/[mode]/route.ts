import { moveOptionsOf } from "@/lib/http/move-options";
import { moveAction, withMoveMode, withQueue } from "@/lib/http/path-guards";
import { RequeueResponseSchema } from "@/lib/http/responses";
import { adminMutation } from "@/lib/http/route";
import { Selection } from "@/lib/http/schemas";
import { moveMany } from "@/lib/queues/dlq-move";
import { moveDetail } from "@/lib/http/move-options";
import { documented } from "@/lib/http/route-doc";

/**
 * POST …/requeue and …/delete: the selected messages, named by identity (and
 * the index the admin saw, a hint); the answer says which had already gone.
 */
export const POST = adminMutation(
  RequeueResponseSchema,
  moveAction(" selected"),
  withMoveMode(
    withQueue(async (_request, ctx) => {
      const { messages, ...rest } = Selection.parse(ctx.body);
      const { options, detail } = moveOptionsOf(ctx, ctx.mode, rest);
      const result = await moveMany(ctx.engine.ctx, ctx.queue, messages, ctx.mode, options);
      return {
        body: result,
        audit: {
          identities: result.moved,
          count: result.moved.length,
          detail: moveDetail(detail, result),
        },
      };
    }),
  ),
);

documented(POST, {
  summary:
    "Requeues (now, later with `at`, to another queue with `to`, with one field set or removed by `edit`) or deletes up to 1 000 selected messages by identity; `missing` lists those already gone, `skipped` those the edit cannot apply to (left in the DLQ).",
  body: Selection,
  errors: [404],
});
