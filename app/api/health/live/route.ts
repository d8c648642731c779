import { LivenessResponseSchema } from "@/lib/http/responses";
import { documented } from "@/lib/http/route-doc";

/**
 * No login: liveness for an orchestrator. 200 while the process serves
 * requests, whatever Redis does: the dashboard rides out a Redis outage (its
 * pages show the last data and recover by themselves), so a restart would only
 * lose that. Readiness, which asks Redis, is /api/health.
 */
export const GET = Object.assign(
  async () => Response.json({ status: "ok" }, { headers: { "cache-control": "no-store" } }),
  { responseSchema: LivenessResponseSchema, access: "public" as const },
);

documented(GET, {
  summary: "Liveness: 200 while the process serves requests, whatever Redis does.",
});
