import { OverviewResponseSchema } from "@/lib/http/responses";
import { shared } from "@/lib/http/shared-read";
import { adminRead } from "@/lib/http/route";
import { buildOverview } from "@/lib/metrics/overview";

/** The overview's cards: every queue's counts, alerts, trend and review, the worker and Redis. */
export const GET = adminRead(
  OverviewResponseSchema,
  shared(async (_request, ctx) => ({
    body: await buildOverview(ctx.engine.ctx),
  })),
);
