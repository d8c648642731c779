import { healthReport } from "@/lib/http/health";
import { HealthResponseSchema } from "@/lib/http/responses";
import { route } from "@/lib/http/route";
import { documented } from "@/lib/http/route-doc";

/** No login: for load balancers and uptime checks. 503 when Redis does not answer. */
export const GET = route(HealthResponseSchema, async (_request, ctx) => healthReport(ctx));

documented(GET, {
  summary:
    "Readiness: whether Redis answers, and the worker service's state (503 when Redis does not).",
  alsoAnswers: [503],
});
