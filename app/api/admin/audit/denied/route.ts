import { z } from "zod";
import { readDenied } from "@/lib/audit/denied";
import { DENIED_MINUTES_MAX } from "@/lib/audit/types";
import { DeniedResponseSchema } from "@/lib/http/responses";
import { shared } from "@/lib/http/shared-read";
import { adminRead } from "@/lib/http/route";
import { documented } from "@/lib/http/route-doc";

const Query = z.object({
  minutes: z.coerce.number().int().min(1).max(DENIED_MINUTES_MAX).default(60),
});

export const GET = adminRead(
  DeniedResponseSchema,
  shared(async (request, ctx) => {
    const query = Query.parse(Object.fromEntries(new URL(request.url).searchParams));
    return { body: await readDenied(ctx.redis, query.minutes, Date.now(), ctx.config) };
  }),
);

documented(GET, {
  summary: "Denied requests per minute, by user and action, over the last `minutes`.",
  query: Query,
});
