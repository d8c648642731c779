import { z } from "zod";
import { adminMutation, queueParam } from "@/lib/http/route";
import { Identity } from "@/lib/http/schemas";

export const dynamic = "force-dynamic";

const Body = z.union([
  z.object({ all: z.literal(true) }),
  z.object({ identity: Identity, rank: z.number().int().min(0).max(1e9) }),
]);

/** "Retry now": one scheduled retry (identity + the rank it was listed at), or all of them. */
export const POST = adminMutation(
  "retry now",
  async (_request, ctx, params: { queue: string }, body) => {
    const queue = queueParam(params.queue, ctx);
    const parsed = Body.parse(body);
    if ("all" in parsed) {
      const moved = await ctx.engine.retryAllNow(queue);
      return { body: { moved }, audit: { count: moved, detail: "all scheduled retries" } };
    }
    await ctx.engine.retryNow(queue, parsed.rank, parsed.identity);
    return { body: { moved: 1 }, audit: { identities: [parsed.identity] } };
  },
);
