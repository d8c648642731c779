import { z } from "zod";
import { HistoryResponseSchema } from "@/lib/http/responses";
import { shared } from "@/lib/http/shared-read";
import { adminRead } from "@/lib/http/route";
import { roleEverywhere } from "@/lib/access";
import { sees } from "@/lib/http/scope";
import { readHistory } from "@/lib/metrics/history";
import { WINDOWS } from "@/lib/metrics/types";
import { documented } from "@/lib/http/route-doc";

const Query = z.object({ window: z.enum(WINDOWS).default("1h") });

/** The sampled history of one chart window (1h, 24h or 7d), oldest point first. */
export const GET = adminRead(
  HistoryResponseSchema,
  shared(async (request, ctx) => {
    const query = Query.parse(Object.fromEntries(new URL(request.url).searchParams));
    const history = await readHistory(ctx.engine.ctx, query.window);
    const grants = ctx.user.grants;
    if (roleEverywhere(grants) !== null) return { body: history };
    // Only the user's queues; the cache's hit rate and Redis's memory are no queue's.
    const points = history.points.map((p) => ({
      ...p,
      queues: Object.fromEntries(Object.entries(p.queues).filter(([q]) => sees(grants, q))),
    }));
    return { body: { ...history, points } };
  }),
  "listed",
);

documented(GET, {
  summary:
    "The metrics history of a window (1h, 24h or 7d): per-queue lengths and rates, cache hit rate, Redis memory.",
  query: Query,
});
