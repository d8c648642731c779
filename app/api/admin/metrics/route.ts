import { z } from "zod";
import { HistoryResponseSchema } from "@/lib/http/responses";
import { shared } from "@/lib/http/shared-read";
import { adminRead } from "@/lib/http/route";
import { readHistory } from "@/lib/metrics/history";
import { WINDOWS } from "@/lib/metrics/types";

const Query = z.object({ window: z.enum(WINDOWS).default("1h") });

/** The sampled history of one chart window (1h, 24h or 7d), oldest point first. */
export const GET = adminRead(
  HistoryResponseSchema,
  shared(async (request, ctx) => {
    const query = Query.parse(Object.fromEntries(new URL(request.url).searchParams));
    return { body: await readHistory(ctx.engine.ctx, query.window) };
  }),
);
