import { moveDetail, moveOptionsOf } from "@/lib/http/move-options";
import { moveAction, withMoveMode, withQueue } from "@/lib/http/path-guards";
import { RequeueResponseSchema } from "@/lib/http/responses";
import { adminMutation } from "@/lib/http/route";
import { GroupBody } from "@/lib/http/schemas";
import { moveErrorGroup } from "@/lib/queues/errorGroups";
import { documented } from "@/lib/http/route-doc";

/**
 * POST …/requeue and …/delete, body {group}: every message of that error
 * group; a requeue may go later, to another queue, and with one field edited.
 */
export const POST = adminMutation(
  RequeueResponseSchema,
  moveAction(" error group"),
  withMoveMode(
    withQueue(async (_request, ctx) => {
      const { group, ...rest } = GroupBody.parse(ctx.body);
      const { options, detail } = moveOptionsOf(ctx, ctx.mode, rest);
      const result = await moveErrorGroup(ctx.engine.ctx, ctx.queue, group, ctx.mode, options);
      return {
        body: result,
        audit: {
          identities: result.moved,
          count: result.moved.length,
          detail: moveDetail([`group ${group}`, ...detail], result),
        },
      };
    }),
  ),
);

documented(POST, {
  summary:
    "Requeues (now, later with `at`, to another queue with `to`, with one field set or removed by `edit`) or deletes every message of an error group, over the whole DLQ.",
  body: GroupBody,
  errors: [404],
});
