import { RedisSafetyResponseSchema } from "@/lib/http/responses";
import { shared } from "@/lib/http/shared-read";
import { adminRead } from "@/lib/http/route";
import { readRedisSafety } from "@/lib/redis/safety";

/** Whether the queue Redis can keep what Redrive stores: eviction policy, memory, persistence. */
export const GET = adminRead(
  RedisSafetyResponseSchema,
  shared(async (_request, ctx) => ({ body: await readRedisSafety(ctx.redis) })),
);
