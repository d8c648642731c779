import { adminRead } from "@/lib/http/route";
import { buildInsights } from "@/lib/metrics/overview";
import type { InsightsResponse } from "@/lib/metrics/types";

export const dynamic = "force-dynamic";

/** Top errors, average retry count and what is new since the last review, per queue. */
export const GET = adminRead(async (_request, ctx): Promise<InsightsResponse> =>
  buildInsights(ctx.engine.ctx),
);
