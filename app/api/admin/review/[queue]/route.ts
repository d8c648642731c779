import { adminMutation, adminRead, queueParam } from "@/lib/http/route";
import { markReviewed, readReviews } from "@/lib/metrics/review";

export const dynamic = "force-dynamic";

/** Marks the queue's DLQ as reviewed now: the overview then counts what failed since. */
export const POST = adminMutation(
  "mark reviewed",
  async (_request, ctx, params: { queue: string }) => {
    const queue = queueParam(params.queue, ctx);
    const review = await markReviewed(ctx.engine.ctx, queue, ctx.user.name);
    return { body: { queue, review } };
  },
);

/** The queue's last review, or null: what the queue page's header shows. */
export const GET = adminRead(async (_request, ctx, params: { queue: string }) => {
  const queue = queueParam(params.queue, ctx);
  return { queue, review: (await readReviews(ctx.engine.ctx))[queue] ?? null };
});
