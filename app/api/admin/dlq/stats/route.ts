import { workerStatus } from "@/lib/health";
import { adminRead } from "@/lib/http/route";
import type { DlqStatsResponse } from "@/lib/http/types";

export const dynamic = "force-dynamic";

export const GET = adminRead(async (_request, ctx): Promise<DlqStatsResponse> => {
  const [queues, worker] = await Promise.all([ctx.engine.getStats(), workerStatus(ctx.engine.ctx)]);
  return { queues, worker };
});
