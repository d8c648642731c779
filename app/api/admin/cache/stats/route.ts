import { inspectCache } from "@/lib/cache/inspect";
import { CacheStatsResponseSchema } from "@/lib/http/responses";
import { adminRead } from "@/lib/http/route";

export const GET = adminRead(CacheStatsResponseSchema, async (_request, ctx) => ({
  body: await inspectCache(ctx.redis, ctx.config),
}));
