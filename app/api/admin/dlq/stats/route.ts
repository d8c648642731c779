import { workerStatus } from "@/lib/health";
import { adminRead, type RouteResult } from "@/lib/http/route";
import type { DlqStatsResponse } from "@/lib/http/types";

export const GET = adminRead(async (_request, ctx): Promise<RouteResult<DlqStatsResponse>> => {
  const [queues, worker] = await Promise.all([ctx.engine.getStats(), workerStatus(ctx.engine.ctx)]);
  return { body: { queues, worker } };
});
