import { z } from "zod";
import { getErrorGroups } from "@/lib/queues/errorGroups";
import { adminRead, queueParam } from "@/lib/http/route";

export const dynamic = "force-dynamic";

const Query = z.object({ scan: z.coerce.number().int().min(1).max(100_000).default(10_000) });

/** Top error groups over the newest `scan` entries (the response says how far it looked). */
export const GET = adminRead(async (request, ctx, params: { queue: string }) => {
  const queue = queueParam(params.queue, ctx);
  const { scan } = Query.parse(Object.fromEntries(new URL(request.url).searchParams));
  return { queue, ...(await getErrorGroups(ctx.engine.ctx, queue, scan)) };
});
