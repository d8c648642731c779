import { inspectCache } from "@/lib/cache/inspect";
import { adminRead } from "@/lib/http/route";

export const GET = adminRead(async (_request, ctx) => ({
  body: await inspectCache(ctx.redis, ctx.config),
}));
