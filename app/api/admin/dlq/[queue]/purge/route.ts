import { PurgeResponseSchema } from "@/lib/http/responses";
import { adminMutation } from "@/lib/http/route";
import { withQueue } from "@/lib/http/path-guards";
import { PurgeBody as Body } from "@/lib/http/schemas";
import { documented } from "@/lib/http/route-doc";

/**
 * Purge entries older than N days, by the retention purge's rule: failed_at from
 * the entry or its metadata; an undated entry is as old as the nearest newer dated one.
 */
export const POST = adminMutation(
  PurgeResponseSchema,
  "purge",
  withQueue(async (_request, ctx) => {
    const { olderThanDays } = Body.parse(ctx.body);
    const purged = await ctx.engine.purgeOlderThan(ctx.queue, olderThanDays * 86_400);
    return {
      body: { purged },
      audit: { count: purged, detail: `older than ${olderThanDays} days` },
    };
  }),
);

documented(POST, {
  summary: "Deletes the dead letters that failed more than `olderThanDays` days ago.",
  body: Body,
  errors: [404],
});
