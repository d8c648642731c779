import "server-only";
import { z } from "zod";
import type { MoveMode } from "../queues/dlq-move";
import { moveErrorGroup } from "../queues/errorGroups";
import { RequeueResponseSchema } from "./responses";
import { adminMutation, withQueue } from "./route";

const Body = z.object({
  group: z.string().regex(/^[0-9a-f]{12}$/, { error: "group must be a group id" }),
});

/** Requeue or delete every message of an error group. */
export function moveGroupRoute(mode: MoveMode) {
  return adminMutation(
    RequeueResponseSchema,
    `${mode} error group`,
    withQueue(async (_request, { engine, queue, body }) => {
      const { group } = Body.parse(body);
      const result = await moveErrorGroup(engine.ctx, queue, group, mode);
      return {
        body: result,
        audit: { identities: result.moved, count: result.moved.length, detail: `group ${group}` },
      };
    }),
  );
}
