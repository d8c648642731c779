import { workerStatus } from "@/lib/health";
import { DlqStatsResponseSchema } from "@/lib/http/responses";
import { shared } from "@/lib/http/shared-read";
import { adminRead } from "@/lib/http/route";
import { engineFor } from "@/lib/http/scope";
import { getStats } from "@/lib/queues/stats";
import { documented } from "@/lib/http/route-doc";

export const GET = adminRead(
  DlqStatsResponseSchema,
  shared(async (_request, ctx) => {
    const [queues, worker] = await Promise.all([
      getStats(engineFor(ctx)),
      workerStatus(ctx.engine.ctx),
    ]);
    return { body: { queues, worker } };
  }),
  "listed",
);

documented(GET, {
  summary: "Every queue's lengths: work, processing, retry, due retries and DLQ.",
});
