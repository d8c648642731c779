import { metricsRoute } from "@/lib/http/metrics-route";

/** Prometheus metrics: a bearer token (REDRIVE_METRICS_TOKEN) or an admin session. */
export const GET = metricsRoute;
