import { healthReport } from "@/lib/http/health";
import { route } from "@/lib/http/route";

/** No login: for load balancers and uptime checks. 503 when Redis does not answer. */
export const GET = route(async (_request, ctx) => healthReport(ctx));
