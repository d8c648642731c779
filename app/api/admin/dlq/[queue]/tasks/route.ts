import { TaskResponseSchema, TaskStartedResponseSchema } from "@/lib/http/responses";
import { shared } from "@/lib/http/shared-read";
import { adminMutation, adminRead } from "@/lib/http/route";
import { withQueue } from "@/lib/http/path-guards";
import { TaskBody as Body } from "@/lib/http/schemas";
import { createTask, getTask } from "@/lib/tasks/redrive";
import { documented } from "@/lib/http/route-doc";

/** The queue's current or last requeue-all / delete-all task (null when there was none). */
export const GET = adminRead(
  TaskResponseSchema,
  shared(
    withQueue(async (_request, ctx) => ({
      body: { task: await getTask(ctx.engine.ctx, ctx.queue) },
    })),
  ),
);

/**
 * Requeue all / delete all, run by the worker service: 202 with the task;
 * 409 while another task of this queue is active.
 */
export const POST = adminMutation(
  TaskStartedResponseSchema,
  "redrive task",
  withQueue(async (_request, ctx) => {
    const { kind, ratePerSecond } = Body.parse(ctx.body);
    const task = await createTask(ctx.engine.ctx, ctx.queue, kind, ratePerSecond, ctx.user.name);
    return {
      status: 202,
      body: { task },
      audit: { count: task.total, detail: `${kind} all at ${ratePerSecond || "full"} msg/s` },
    };
  }),
);

documented(GET, {
  summary: "The queue's current or last requeue-all / delete-all task (null when none).",
  errors: [404],
});
documented(POST, {
  summary:
    "Starts requeue all or delete all, run by the worker service at `ratePerSecond` (0: full speed); 409 while one runs.",
  body: Body,
  status: 202,
  errors: [404, 409],
});
