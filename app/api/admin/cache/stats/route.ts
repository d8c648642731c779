import { inspectCache } from "@/lib/cache/inspect";
import { CacheStatsResponseSchema } from "@/lib/http/responses";
import { shared } from "@/lib/http/shared-read";
import { adminRead } from "@/lib/http/route";

export const GET = adminRead(
  CacheStatsResponseSchema,
  shared(async (_request, ctx) => ({
    body: await inspectCache(ctx.cacheRedis, ctx.config),
  })),
);
