import { ReviewedResponseSchema, ReviewResponseSchema } from "@/lib/http/responses";
import { shared } from "@/lib/http/shared-read";
import { adminMutation, adminRead } from "@/lib/http/route";
import { withQueue } from "@/lib/http/path-guards";
import { markReviewed, readReviews } from "@/lib/metrics/review";
import { documented } from "@/lib/http/route-doc";

/** Marks the queue's DLQ as reviewed now: the overview then counts what failed since. */
export const POST = adminMutation(
  ReviewedResponseSchema,
  "mark reviewed",
  withQueue(async (_request, { engine, queue, user }) => ({
    body: { queue, review: await markReviewed(engine.ctx, queue, user.name) },
  })),
);

/** The queue's last review, or null: what the queue page's header shows. */
export const GET = adminRead(
  ReviewResponseSchema,
  shared(
    withQueue(async (_request, { engine, queue }) => ({
      body: { queue, review: (await readReviews(engine.ctx))[queue] ?? null },
    })),
  ),
);

documented(POST, { summary: "Marks the queue's DLQ reviewed now, by the caller.", errors: [404] });
documented(GET, {
  summary: "The queue's last review mark (null before the first).",
  errors: [404],
});
