import "server-only";
import { z } from "zod";
import { VERSION } from "../version";
import { ErrorBodySchema } from "./responses";
import type { RouteAccess, RouteDoc } from "./route-doc";
import type { JsonRoute } from "./route";

/**
 * The OpenAPI 3.1 description of the API (GET /api/openapi.json), made from
 * the routes themselves: each route handler carries the schema of its answers
 * and who may call it (./route.ts), and `documented` adds its summary and the
 * zod schemas it parses its query string and body with (./route-doc.ts).
 * Nothing here is written by hand but the wording of the shared parts (path
 * parameters, the errors of each kind of route, the ways to authenticate).
 */
export interface RouteEntry {
  /** OpenAPI's path template: `/api/admin/dlq/{queue}`. */
  path: string;
  /** The route file's exports: GET, POST, … */
  module: Record<string, unknown>;
}

export const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;

type Json = Record<string, unknown>;

const PATH_PARAMS: Record<string, Json> = {
  queue: {
    description:
      "A configured queue (404 UNKNOWN_QUEUE for another, or for one outside the caller's grant).",
    schema: { type: "string", pattern: "^[a-z][a-z0-9_-]{0,31}$" },
  },
  index: {
    description: "The message's position in the DLQ, the newest being 0.",
    schema: { type: "integer", minimum: 0, maximum: 1e9 },
  },
  mode: {
    description: "What to do with the messages.",
    schema: { type: "string", enum: ["requeue", "delete"] },
  },
  id: { description: "An API token's id.", schema: { type: "string", pattern: "^[0-9a-f]{12}$" } },
};

/** The statuses every route of a kind may answer, besides its own (RouteDoc.errors). */
const ERRORS: Record<RouteAccess, number[]> = {
  public: [],
  read: [400, 401, 403, 500, 503],
  admin: [400, 401, 403, 409, 413, 415, 422, 500, 503],
  session: [400, 401, 403, 413, 415, 500, 503],
  metrics: [401, 403, 500],
};

const STATUS_TEXT: Record<number, string> = {
  400: "A parameter or the body is not valid (INVALID, INVALID_IDEMPOTENCY_KEY, …).",
  401: "No session or token, or one that has ended (UNAUTHENTICATED, INVALID_TOKEN).",
  403: "The role or grant does not allow it, a cross-site request, or a token where only a session may act.",
  404: "No such queue, message, token or namespace.",
  409: "The state changed: the message moved, a task runs, a name is taken, or the same Idempotency-Key is still running.",
  413: "The body, or the message asked for, is too large.",
  415: "The body is not application/json.",
  422: "The Idempotency-Key was used before with another body.",
  500: "A fault of Redrive's (with REDRIVE_CHECK_RESPONSES, RESPONSE_SHAPE: an answer that departed from this description).",
  503: "Redis cannot answer now (REDIS_UNAVAILABLE, REDIS_OOM, REDIS_MISCONF, REDIS_READONLY).",
};

const SECURITY: Record<RouteAccess, Json[]> = {
  public: [],
  read: [{ session: [] }, { token: [] }],
  admin: [{ session: [] }, { token: [] }],
  session: [{ session: [] }],
  metrics: [{ metricsToken: [] }, { token: [] }, { session: [] }],
};

const SECURITY_SCHEMES: Json = {
  session: {
    type: "apiKey",
    in: "cookie",
    name: "next-auth.session-token",
    description:
      "A dashboard login (`__Secure-next-auth.session-token` over https). Changes also need a same-origin request.",
  },
  token: {
    type: "http",
    scheme: "bearer",
    description:
      "An API token (`rdv_…`) made on the Tokens page: its role, on its queues, until it expires or is revoked.",
  },
  metricsToken: {
    type: "http",
    scheme: "bearer",
    description: "REDRIVE_METRICS_TOKEN, for a Prometheus server (GET /api/metrics only).",
  },
};

const IDEMPOTENCY_KEY: Json = {
  name: "Idempotency-Key",
  in: "header",
  required: false,
  description:
    "1 to 128 of letters, digits, `_ . : -`. A repeat with the same key gets the first answer for 24 hours instead of acting again.",
  schema: { type: "string", pattern: "^[A-Za-z0-9_.:-]{1,128}$" },
};

/** A zod schema as JSON Schema, for a request (`input`) or an answer (`output`). */
function jsonSchema(schema: z.ZodType, io: "input" | "output"): Json {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: "any" });
  return rest;
}

function queryParameters(query: z.ZodObject | undefined): Json[] {
  if (!query) return [];
  return Object.entries(query.shape).map(([name, field]) => {
    const schema = field as z.ZodType;
    return {
      name,
      in: "query",
      required: !schema.safeParse(undefined).success,
      ...(schema.description ? { description: schema.description } : {}),
      schema: jsonSchema(schema, "input"),
    };
  });
}

function pathParameters(path: string): Json[] {
  return [...path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({
    name,
    in: "path",
    required: true,
    ...(PATH_PARAMS[name!] ?? { schema: { type: "string" } }),
  }));
}

function responses(route: JsonRoute, doc: RouteDoc | undefined): Json {
  const ok = String(doc?.status ?? 200);
  const text = route.access === "metrics";
  const type = doc?.contentType ?? (text ? "text/plain" : "application/json");
  const content = { [type]: { schema: jsonSchema(route.responseSchema, "output") } };
  const out: Json = { [ok]: { description: "Done.", content } };
  for (const status of doc?.alsoAnswers ?? []) {
    out[String(status)] = { description: STATUS_TEXT[status] ?? "Answered.", content };
  }
  const errors = [...new Set([...ERRORS[route.access], ...(doc?.errors ?? [])])]
    .filter((status) => !doc?.alsoAnswers?.includes(status))
    .sort();
  for (const status of errors) {
    out[String(status)] = {
      description: STATUS_TEXT[status] ?? "An error.",
      content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
    };
  }
  return out;
}

function operationId(method: string, path: string): string {
  const words = path
    .replace(/^\/api\//, "")
    .split(/[/{}.]+/)
    .filter(Boolean)
    .map((w) => w.replace(/(^|[-_])(\w)/g, (_m, _s, c: string) => c.toUpperCase()));
  return method.toLowerCase() + words.join("");
}

function operation(method: string, path: string, route: JsonRoute): Json {
  const doc = route.doc;
  const mutation = route.access === "admin";
  return {
    operationId: operationId(method, path),
    summary: doc?.summary ?? "",
    ...(doc?.description ? { description: doc.description } : {}),
    tags: [path.split("/")[path.startsWith("/api/admin/") ? 3 : 2]!.split(".")[0]!],
    parameters: [
      ...pathParameters(path),
      ...queryParameters(doc?.query),
      ...(mutation ? [IDEMPOTENCY_KEY] : []),
    ],
    ...(doc?.body
      ? {
          requestBody: {
            required: true,
            content: { "application/json": { schema: jsonSchema(doc.body, "input") } },
          },
        }
      : {}),
    responses: responses(route, doc),
    security: doc?.sessionsOnly ? SECURITY.session : SECURITY[route.access],
  };
}

/** The route handlers a module exports, by method. */
export function handlersOf(module: Record<string, unknown>): [string, JsonRoute][] {
  return METHODS.flatMap((m) => {
    const handler = module[m] as Partial<JsonRoute> | undefined;
    return handler?.responseSchema && handler.access ? [[m, handler as JsonRoute]] : [];
  });
}

export function openApiDocument(routes: RouteEntry[]): Json {
  const paths: Record<string, Json> = {};
  for (const { path, module } of routes) {
    for (const [method, route] of handlersOf(module)) {
      paths[path] = { ...paths[path], [method.toLowerCase()]: operation(method, path, route) };
    }
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Redrive API",
      version: VERSION,
      description:
        "The admin API of Redrive's dashboard: dead-letter queues, retries, the cache, the audit log and API tokens. Errors are `{error: {code, message}}`.",
    },
    paths,
    components: {
      schemas: { Error: jsonSchema(ErrorBodySchema, "output") },
      securitySchemes: SECURITY_SCHEMES,
    },
  };
}
