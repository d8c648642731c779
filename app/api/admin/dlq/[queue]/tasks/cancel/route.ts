import { HttpError } from "@/lib/http/errors";
import { TaskStartedResponseSchema } from "@/lib/http/responses";
import { adminMutation } from "@/lib/http/route";
import { withQueue } from "@/lib/http/path-guards";
import { cancelTask } from "@/lib/tasks/redrive";
import { documented } from "@/lib/http/route-doc";

/** Stops the queue's task after the batch in hand. */
export const POST = adminMutation(
  TaskStartedResponseSchema,
  "cancel redrive task",
  withQueue(async (_request, ctx) => {
    const task = await cancelTask(ctx.engine.ctx, ctx.queue);
    if (!task) throw new HttpError(404, "NOT_FOUND", "This queue has no task");
    return { body: { task }, audit: { detail: `task ${task.id} ${task.state}` } };
  }),
);

documented(POST, {
  summary: "Cancels the queue's running requeue-all or delete-all task.",
  errors: [404],
});
