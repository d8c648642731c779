import { z } from "zod";
import { readAudit } from "@/lib/audit/audit";
import { adminRead } from "@/lib/http/route";

export const dynamic = "force-dynamic";

const Query = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  before: z
    .string()
    .regex(/^\d{1,20}-\d{1,20}$/, { error: "before must be an audit entry id" })
    .optional(),
});

export const GET = adminRead(async (request, ctx) => {
  const query = Query.parse(Object.fromEntries(new URL(request.url).searchParams));
  return readAudit(ctx.redis, query.limit, query.before);
});
