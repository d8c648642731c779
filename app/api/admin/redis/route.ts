import { RedisSafetyResponseSchema } from "@/lib/http/responses";
import { shared } from "@/lib/http/shared-read";
import { adminRead } from "@/lib/http/route";
import { readRedisSafety } from "@/lib/redis/safety";
import { readTopology } from "@/lib/redis/topology";
import { schemaStatus } from "@/lib/schema/version";
import { workerStatus } from "@/lib/health";
import { documented } from "@/lib/http/route-doc";

/**
 * Whether the queue Redis can keep what Redrive stores (eviction policy,
 * memory, persistence), where its master is (Sentinel), and the schema of
 * the state Redrive stores in it.
 */
export const GET = adminRead(
  RedisSafetyResponseSchema,
  shared(async (_request, ctx) => {
    const [safety, topology, worker] = await Promise.all([
      readRedisSafety(ctx.redis),
      readTopology(ctx.redis, ctx.config),
      workerStatus(ctx),
    ]);
    const schema = await schemaStatus(ctx.redis, ctx.config, worker.version);
    return { body: { ...safety, topology, schema } };
  }),
  // Redis's settings and where its master is: every user's concern, no queue's data.
  "none",
);

documented(GET, {
  summary:
    "Redis's settings that matter to the queues (eviction, persistence), its topology and the stored state's schema.",
});
