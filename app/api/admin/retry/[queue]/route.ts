import { z } from "zod";
import { RetryPageResponseSchema } from "@/lib/http/responses";
import { shared } from "@/lib/http/shared-read";
import { adminRead } from "@/lib/http/route";
import { withQueue } from "@/lib/http/path-guards";
import { redactorFor } from "@/lib/queues/redact";
import { listRetries } from "@/lib/queues/retry";
import { documented } from "@/lib/http/route-doc";

const Query = z.object({
  offset: z.coerce.number().int().min(0).max(1e9).default(0),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/** Scheduled retries, soonest first; large messages cut (`truncated`). */
export const GET = adminRead(
  RetryPageResponseSchema,
  shared(
    withQueue(async (request, ctx) => {
      const { queue } = ctx;
      const { offset, limit } = Query.parse(Object.fromEntries(new URL(request.url).searchParams));
      const { total, retries } = await listRetries(ctx.engine.ctx, queue, offset, limit);
      const redactor = redactorFor(ctx.config, ctx.user);
      return {
        body: {
          queue,
          total,
          offset,
          limit,
          retries: redactor ? retries.map((r) => redactor.retry(r)) : retries,
        },
      };
    }),
  ),
);

documented(GET, {
  summary: "A page of a queue's scheduled retries, soonest first.",
  query: Query,
  errors: [404],
});
