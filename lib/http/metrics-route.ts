import "server-only";
import { createHash, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { renderMetrics } from "../metrics/prometheus";
import { HttpError, toErrorResponse } from "./errors";
import type { JsonRoute } from "./route";
import { sessionUser } from "./route";
import { connected, type Services } from "./services";

/**
 * GET /api/metrics: for a Prometheus server with `Authorization: Bearer
 * <REDRIVE_METRICS_TOKEN>`, or for an admin's session (a viewer gets 403).
 * Never open: without the token set, only a session reads it.
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
  if (request.headers.has("authorization")) {
    throw new HttpError(401, "UNAUTHENTICATED", "The metrics token is not the configured one");
  }
  const user = await sessionUser(request, s);
  if (user.role !== "admin") throw new HttpError(403, "FORBIDDEN", "Only admins read the metrics");
}

async function serve(request: Request): Promise<Response> {
  try {
    const s = await connected();
    await authorize(request, s);
    const { text, contentType } = await renderMetrics({
      ...s.engine.ctx,
      cacheRedis: s.cacheRedis,
    });
    return new Response(text, {
      headers: { "content-type": contentType, "cache-control": "no-store" },
    });
  } catch (error) {
    return toErrorResponse(error);
  }
}

export const metricsRoute: JsonRoute = Object.assign(serve, {
  responseSchema: z.string().describe("The Prometheus text exposition format (not JSON)."),
});
