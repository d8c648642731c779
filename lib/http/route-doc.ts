import type { z } from "zod";

/**
 * What the OpenAPI description (GET /api/openapi.json, ./openapi.ts) says of
 * a route beyond what its handler already carries (its response schema and
 * who may call it): a summary, and the zod schemas it validates its query
 * string and body with, the same objects it parses them with.
 */
export interface RouteDoc {
  summary: string;
  description?: string;
  /** An object schema: each property is a query parameter. */
  query?: z.ZodObject;
  body?: z.ZodType;
  /** The success status when it is not 200 (a creation's 201). */
  status?: number;
  /** Other statuses answered with the same body schema (readiness's 503). */
  alsoAnswers?: number[];
  /** Error statuses beyond those of every route of its kind (see ./openapi.ts). */
  errors?: number[];
  /** The success answer's media type when it is not JSON (an export's JSON Lines). */
  contentType?: string;
  /** A route that refuses API tokens (`withoutToken` in ./route.ts): a session alone calls it. */
  sessionsOnly?: true;
}

/** Who may call a route: the guards its helper composes (./route.ts). */
export type RouteAccess = "public" | "read" | "admin" | "session" | "metrics";

/** A route with its description attached (read by ./openapi.ts). */
export function documented<R extends object>(route: R, doc: RouteDoc): R & { doc: RouteDoc } {
  return Object.assign(route, { doc });
}
