import { metricsRoute } from "@/lib/http/metrics-route";
import { documented } from "@/lib/http/route-doc";

/** Prometheus metrics: a bearer token (REDRIVE_METRICS_TOKEN) or an admin session. */
export const GET = metricsRoute;

documented(GET, { summary: "The Prometheus text format: queue, worker, cache and Redis figures." });
