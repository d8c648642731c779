import { workerStatus } from "@/lib/health";
import { connected } from "@/lib/http/services";

export const dynamic = "force-dynamic";

/** No login: for load balancers and uptime checks. 503 when Redis does not answer. */
export async function GET(): Promise<Response> {
  const { redis, config, engine } = await connected();
  try {
    await redis.ping();
    const worker = await workerStatus(engine.ctx);
    return Response.json({
      status: "ok",
      redis: "up",
      worker: { ...worker, queues: config.QUEUES.length },
    });
  } catch {
    return Response.json({ status: "unavailable", redis: "down" }, { status: 503 });
  }
}
