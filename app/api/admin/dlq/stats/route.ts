import { workerStatus } from "@/lib/health";
import { DlqStatsResponseSchema } from "@/lib/http/responses";
import { shared } from "@/lib/http/shared-read";
import { adminRead } from "@/lib/http/route";

export const GET = adminRead(
  DlqStatsResponseSchema,
  shared(async (_request, ctx) => {
    const [queues, worker] = await Promise.all([
      ctx.engine.getStats(),
      workerStatus(ctx.engine.ctx),
    ]);
    return { body: { queues, worker } };
  }),
);
