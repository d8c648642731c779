import { adminRead, type RouteResult } from "@/lib/http/route";
import { buildOverview } from "@/lib/metrics/overview";
import type { OverviewResponse } from "@/lib/metrics/types";

/** The overview's cards: every queue's counts, alerts, trend and review, the worker and Redis. */
export const GET = adminRead(async (_request, ctx): Promise<RouteResult<OverviewResponse>> => ({
  body: await buildOverview(ctx.engine.ctx),
}));
