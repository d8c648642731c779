import { inspectCache } from "@/lib/cache/inspect";
import { adminRead } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = adminRead(async (_request, ctx) => inspectCache(ctx.redis, ctx.config));
