import { z } from "zod";
import { adminRead, queueParam } from "@/lib/http/route";
import type { RetryPageResponse } from "@/lib/http/types";
import { identityOf, retryCountOf } from "@/lib/queues/message";
import { keysOf } from "@/lib/queues/context";

export const dynamic = "force-dynamic";

const Query = z.object({
  offset: z.coerce.number().int().min(0).max(1e9).default(0),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/** Scheduled retries, soonest first. */
export const GET = adminRead(
  async (request, ctx, params: { queue: string }): Promise<RetryPageResponse> => {
    const queue = queueParam(params.queue, ctx);
    const { offset, limit } = Query.parse(Object.fromEntries(new URL(request.url).searchParams));
    const [total, page] = await Promise.all([
      ctx.redis.zcard(keysOf(ctx.engine.ctx, queue).retry),
      ctx.engine.getRetries(queue, offset, limit),
    ]);
    return {
      queue,
      total,
      offset,
      limit,
      retries: page.map((r, i) => ({
        rank: offset + i,
        identity: identityOf(r.raw),
        due: r.due,
        raw: r.raw.toString("utf8"),
        bytes: r.raw.length,
        retryCount: retryCountOf(r.raw),
      })),
    };
  },
);
