import { HttpError } from "@/lib/http/errors";
import { adminMutation, queueParam } from "@/lib/http/route";
import { cancelTask } from "@/lib/tasks/redrive";

export const dynamic = "force-dynamic";

/** Stops the queue's task after the batch in hand. */
export const POST = adminMutation(
  "cancel redrive task",
  async (_request, ctx, params: { queue: string }) => {
    const task = await cancelTask(ctx.engine.ctx, queueParam(params.queue, ctx));
    if (!task) throw new HttpError(404, "NOT_FOUND", "This queue has no task");
    return { body: { task }, audit: { detail: `task ${task.id} ${task.state}` } };
  },
);
