import { RedisSafetyResponseSchema } from "@/lib/http/responses";
import { shared } from "@/lib/http/shared-read";
import { adminRead } from "@/lib/http/route";
import { readRedisSafety } from "@/lib/redis/safety";
import { readTopology } from "@/lib/redis/topology";

/**
 * Whether the queue Redis can keep what Redrive stores (eviction policy,
 * memory, persistence), and where its master is (Sentinel).
 */
export const GET = adminRead(
  RedisSafetyResponseSchema,
  shared(async (_request, ctx) => {
    const [safety, topology] = await Promise.all([
      readRedisSafety(ctx.redis),
      readTopology(ctx.redis, ctx.config),
    ]);
    return { body: { ...safety, topology } };
  }),
);
