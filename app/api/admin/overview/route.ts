import { OverviewResponseSchema } from "@/lib/http/responses";
import { shared } from "@/lib/http/shared-read";
import { adminRead } from "@/lib/http/route";
import { engineFor } from "@/lib/http/scope";
import { buildOverview } from "@/lib/metrics/overview";
import { documented } from "@/lib/http/route-doc";

/** The overview's cards: the counts of every queue the user sees, alerts, trend and review, the worker and Redis. */
export const GET = adminRead(
  OverviewResponseSchema,
  shared(async (_request, ctx) => ({
    body: await buildOverview(engineFor(ctx)),
  })),
  "listed",
);

documented(GET, {
  summary:
    "The overview: every queue's figures, growth, oldest dead letter, review, and what needs attention.",
});
