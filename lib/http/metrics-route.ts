import "server-only";
import { createHash, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import {
  METRICS_CONTENT_TYPE,
  renderProcessFigures,
  renderRedisFigures,
} from "../metrics/prometheus";
import type { EngineContext } from "../queues/context";
import { readCache } from "./read-cache";
import { acceptedAgeMs } from "./shared-read";
import { roleEverywhere } from "../access";
import { HttpError, toErrorResponse } from "./errors";
import type { JsonRoute } from "./route";
import { sessionUser } from "./route";
import { connected, type Services } from "./services";
import { countRedisError } from "../metrics/process-metrics";
import { isRedisUnavailable } from "../redis/errors";

/**
 * GET /api/metrics: for a Prometheus server with `Authorization: Bearer
 * <REDRIVE_METRICS_TOKEN>` or an API token (viewer or admin) over every
 * queue, or for the session of an admin of every queue (a viewer gets 403).
 * Never open: without either token, only a session reads it.
 */
const digest = (text: string) => createHash("sha256").update(text).digest();

/** Compared as digests, in constant time whatever the lengths. */
function tokenMatches(request: Request, token: string | undefined): boolean {
  const header = request.headers.get("authorization") ?? "";
  if (!token || !header.toLowerCase().startsWith("bearer ")) return false;
  return timingSafeEqual(digest(header.slice(7).trim()), digest(token));
}

async function authorize(request: Request, s: Services): Promise<void> {
  if (tokenMatches(request, s.config.REDRIVE_METRICS_TOKEN)) return;
  // An API token, else the session: 401 for a bearer that is neither token.
  const user = await sessionUser(request, s);
  // Every queue's figures: a grant over some queues only is not enough. A
  // token made for a scraper may be a viewer's; a person's session must be an admin's.
  const everywhere = roleEverywhere(user.grants);
  if (user.token ? everywhere === null : everywhere !== "admin") {
    throw new HttpError(
      403,
      "FORBIDDEN",
      "Only admins of every queue, or tokens over every queue, read the metrics",
    );
  }
}

/**
 * The Redis figures through the dashboard's shared reads (./read-cache.ts):
 * scrapes that arrive while one is read wait for it instead of reading again,
 * and a scraper that sends `Cache-Control: max-age=<s>` (Prometheus'
 * http_headers) accepts an answer that old, so that a pair of Prometheus
 * servers cost Redis one read per interval; `no-cache` reads Redis now. Without the header a scrape takes
 * an answer at most FRESH_MS old: scrapers started together (a Prometheus
 * pair on the same interval, several federated ones) arrive over a few
 * milliseconds, and a read ends before the last of them is served.
 */
const FRESH_MS = 1_000;

async function redisFigures(request: Request, ctx: EngineContext): Promise<string> {
  // `Cache-Control: no-cache` still asks for Redis as it is now.
  const maxAge = request.headers.has("cache-control") ? acceptedAgeMs(request) : FRESH_MS;
  const { answer } = await readCache.read("GET /api/metrics", maxAge, async () => ({
    body: await renderRedisFigures(ctx),
    shareable: true,
  }));
  // A shareable read always answers, whether or not the cache kept it.
  return answer!.body as string;
}

/** `redrive_redis_up`: whether this scrape could read the queue figures from Redis. */
function redisUp(up: boolean): string {
  return [
    "# HELP redrive_redis_up 1 when this scrape read the queue figures from Redis, 0 when Redis could not be reached (the queue series are then missing).",
    "# TYPE redrive_redis_up gauge",
    `redrive_redis_up ${up ? 1 : 0}`,
    "",
  ].join("\n");
}

/**
 * The queue figures, or only `redrive_redis_up 0` while Redis cannot be
 * reached: a token's scrape still answers 200 then, with this process's own
 * figures (its Redis errors and latency matter most during an outage), as
 * exporters do, so that Prometheus sees Redis down rather than the dashboard.
 */
async function sharedFigures(request: Request, ctx: EngineContext): Promise<string> {
  try {
    return redisUp(true) + (await redisFigures(request, ctx));
  } catch (error) {
    if (!isRedisUnavailable(error)) throw error;
    countRedisError("REDIS_UNAVAILABLE");
    return redisUp(false);
  }
}

async function serve(request: Request): Promise<Response> {
  try {
    const s = await connected();
    await authorize(request, s);
    const shared = await sharedFigures(request, { ...s.engine.ctx, cacheRedis: s.cacheRedis });
    return new Response((await renderProcessFigures()) + shared, {
      headers: { "content-type": METRICS_CONTENT_TYPE, "cache-control": "no-store" },
    });
  } catch (error) {
    return toErrorResponse(error);
  }
}

export const metricsRoute: JsonRoute = Object.assign(serve, {
  access: "metrics" as const,
  responseSchema: z.string().describe("The Prometheus text exposition format (not JSON)."),
});
