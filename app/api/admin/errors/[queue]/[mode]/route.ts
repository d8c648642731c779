import { z } from "zod";
import { moveAction, withMoveMode, withQueue } from "@/lib/http/path-guards";
import { RequeueResponseSchema } from "@/lib/http/responses";
import { adminMutation } from "@/lib/http/route";
import { moveErrorGroup } from "@/lib/queues/errorGroups";
import { documented } from "@/lib/http/route-doc";

const Body = z.object({
  group: z.string().regex(/^[0-9a-f]{12}$/, { error: "group must be a group id" }),
});

/** POST …/requeue and …/delete, body {group}: every message of that error group. */
export const POST = adminMutation(
  RequeueResponseSchema,
  moveAction(" error group"),
  withMoveMode(
    withQueue(async (_request, { engine, queue, mode, body }) => {
      const { group } = Body.parse(body);
      const result = await moveErrorGroup(engine.ctx, queue, group, mode);
      return {
        body: result,
        audit: { identities: result.moved, count: result.moved.length, detail: `group ${group}` },
      };
    }),
  ),
);

documented(POST, {
  summary: "Requeues or deletes every message of an error group, over the whole DLQ.",
  body: Body,
  errors: [404],
});
