import { inspectCache } from "@/lib/cache/inspect";
import { CacheStatsResponseSchema } from "@/lib/http/responses";
import { shared } from "@/lib/http/shared-read";
import { adminRead } from "@/lib/http/route";
import { documented } from "@/lib/http/route-doc";

export const GET = adminRead(
  CacheStatsResponseSchema,
  shared(async (_request, ctx) => ({
    body: await inspectCache(ctx.cacheRedis, ctx.config),
  })),
);

documented(GET, { summary: "Cache figures: hit rate, memory, namespaces and their largest keys." });
