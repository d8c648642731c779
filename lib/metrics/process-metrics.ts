import "server-only";
import { collectDefaultMetrics, Counter, Histogram, Registry } from "prom-client";
import { loadTemplates, routeOf, type RouteTemplate } from "./routes";

/**
 * This dashboard process's own metrics, beside the queue figures read from
 * Redis at each scrape: Node's (event-loop lag, memory, CPU, prefixed
 * redrive_process_* and redrive_nodejs_*), the latency of every HTTP request by route, and the
 * Redis errors it answered with. One set per process, kept on globalThis:
 * Next loads the metrics route and the server's start-up code as separate
 * bundles, which must still count into the same histogram.
 */
export interface ProcessMetrics {
  registry: Registry;
  httpDuration: Histogram<"route" | "method" | "status">;
  redisErrors: Counter<"kind">;
}

const KEY = Symbol.for("redrive.processMetrics");
/** Where the front layer (lib/http/front.mjs) finds the observer for each finished request. */
export const OBSERVE_REQUEST = Symbol.for("redrive.observeRequest");

const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

function create(): ProcessMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "redrive_" });
  const httpDuration = new Histogram({
    name: "redrive_http_request_duration_seconds",
    help: "Time from a request's arrival to its response's end, by route template, method and status.",
    labelNames: ["route", "method", "status"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const redisErrors = new Counter({
    name: "redrive_redis_errors_total",
    help: "Requests the dashboard answered with a Redis error, by its code (REDIS_UNAVAILABLE, REDIS_TIMEOUT, REDIS_OOM...).",
    labelNames: ["kind"] as const,
    registers: [registry],
  });
  return { registry, httpDuration, redisErrors };
}

export function processMetrics(): ProcessMetrics {
  const store = globalThis as unknown as Record<symbol, ProcessMetrics | undefined>;
  store[KEY] ??= create();
  return store[KEY];
}

export type RequestObserver = (
  method: string,
  path: string,
  status: number,
  seconds: number,
) => void;

/** Installs the observer the front layer calls once per response; idempotent. */
export function installRequestObserver(templates: RouteTemplate[] = loadTemplates()): void {
  const { httpDuration } = processMetrics();
  const observe: RequestObserver = (method, path, status, seconds) => {
    const labels = {
      route: routeOf(path, templates),
      method: METHODS.has(method) ? method : "OTHER",
      status: String(status),
    };
    httpDuration.observe(labels, seconds);
  };
  (globalThis as unknown as Record<symbol, RequestObserver>)[OBSERVE_REQUEST] = observe;
}

/** Counts a Redis error answered to a client (codes are Redrive's own: a bounded label). */
export function countRedisError(code: string): void {
  if (code.startsWith("REDIS_")) processMetrics().redisErrors.inc({ kind: code });
}
