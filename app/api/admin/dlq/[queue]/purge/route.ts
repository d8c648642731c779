import { z } from "zod";
import { adminMutation, queueParam } from "@/lib/http/route";

export const dynamic = "force-dynamic";

const Body = z.object({ olderThanDays: z.number().min(0).max(3650) });

/**
 * Purge entries older than N days, by the retention purge's rule: failed_at from
 * the entry or its metadata; an undated entry is as old as the nearest newer dated one.
 */
export const POST = adminMutation(
  "purge",
  async (_request, ctx, params: { queue: string }, body) => {
    const queue = queueParam(params.queue, ctx);
    const { olderThanDays } = Body.parse(body);
    const purged = await ctx.engine.purgeOlderThan(queue, olderThanDays * 86_400);
    return {
      body: { purged },
      audit: { count: purged, detail: `older than ${olderThanDays} days` },
    };
  },
);
