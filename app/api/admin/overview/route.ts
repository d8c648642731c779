import { adminRead } from "@/lib/http/route";
import { buildOverview } from "@/lib/metrics/overview";
import type { OverviewResponse } from "@/lib/metrics/types";

export const dynamic = "force-dynamic";

/** The overview's cards: every queue's counts, alerts, trend and review, the worker and Redis. */
export const GET = adminRead(async (_request, ctx): Promise<OverviewResponse> =>
  buildOverview(ctx.engine.ctx),
);
