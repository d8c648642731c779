import "server-only";
import type { z } from "zod";
import { appendAudit, auditOptions, type AuditRecord } from "../audit/audit";
import { bearerToken, requestUser, tokenUser, type SessionUser } from "../auth/session";
import { touchSession } from "../auth/sessions";
import { withReplicas } from "./replication";
import { logLine } from "../log";
import { isQueue } from "../queues/keys";
import { auditIdentities } from "../queues/redact";
import { jsonBody } from "./body";
import { runIdempotent } from "./idempotency";
import { readCache } from "./read-cache";
import { errorResponse, errorStatus, HttpError, toErrorResponse } from "./errors";
import { clientIp, isSameOrigin } from "./request";
import type { RouteAccess, RouteDoc } from "./route-doc";
import { scopedUser, type Coverage } from "./scope";
import { connected, type Services } from "./services";

/**
 * Route handlers are composed from guards (bull-board's providers,
 * `withQueue(withMessage(fn))`): each guard checks one thing, throws an
 * HttpError when it fails, and hands the next handler a context with what it
 * established (the user, the JSON body, the queue). `route` at the outside
 * turns the one result shape into a response and every error into the JSON
 * envelope. Order matters and is the API's contract: session (401), then for
 * changes same origin (403), admin role (403), JSON body (415/413/400), then
 * the path's queue (404).
 *
 * Every route names the schema of its successful bodies (./responses.ts), as
 * the first argument of route, adminRead, adminMutation or sessionAction: the
 * handler's RouteResult is typed by it, so a handler returning another shape
 * does not compile, and with REDRIVE_CHECK_RESPONSES every 2xx body is
 * checked against it before it is sent.
 */

export type Params = Readonly<Record<string, string>>;

/** An audit action's name, or how the path's parameters name it (`requeue`, `delete`). */
export type Action = string | ((params: Params) => string);
type Next = { params?: Promise<Params> };

/**
 * What every handler returns, reads and changes alike: the response body, its
 * status (200 unless said) and, under withAdmin, what the audit record adds.
 * Returned rather than set on the context, so a handler cannot forget to
 * report what it did on one path and not another, and the type says it all.
 */
export interface RouteResult<B = unknown> {
  body: B;
  status?: number;
  audit?: AuditExtra;
  /** The body already serialised (a shared answer): sent as it is. */
  json?: string;
  /** A shared answer's age, sent as the `Age` header. */
  ageSeconds?: number;
  /** More response headers (Redrive-Replication, ./replication.ts). */
  headers?: Record<string, string>;
  /** A body streamed as it is made (an export): sent instead of `body`, with `headers`. */
  stream?: ReadableStream<Uint8Array>;
}

export type AuditExtra = Partial<
  Pick<AuditRecord, "queue" | "identities" | "count" | "detail" | "diff">
>;

export type Handler<C, B = unknown> = (request: Request, ctx: C) => Promise<RouteResult<B>>;

/** What every handler gets: the services and the path's parameters. */
export interface BaseContext extends Services {
  params: Params;
}

/** After withSession: the logged-in user and the client's address. */
export interface SessionContext extends BaseContext {
  user: SessionUser;
  ip: string;
}

/** After withJsonBody (so after withAdmin and sessionAction): the parsed body. */
export interface BodyContext extends SessionContext {
  body: unknown;
}

/** Kept for callers of the earlier API: the context of a read. */
export type RouteContext = SessionContext;

/** What a route's 2xx bodies must match; the handler's body type is inferred from it. */
export type ResponseSchema = z.ZodType;

/**
 * A route handler as Next.js calls it, carrying the schema of its 2xx bodies
 * so that the routes can be listed with their shapes (a test checks every
 * route has one; an API description can be generated from them).
 */
export type JsonRoute<S extends ResponseSchema = ResponseSchema> = ((
  request: Request,
  next?: Next,
) => Promise<Response>) & {
  readonly responseSchema: S;
  /** Who may call it (for the OpenAPI description). */
  readonly access: RouteAccess;
  /** Its summary and request schemas, when given with `documented` (./route-doc.ts). */
  readonly doc?: RouteDoc;
};

/** The outermost layer: services, the path's parameters, the response, the error envelope. */
export function route<S extends ResponseSchema>(
  schema: S,
  handler: Handler<BaseContext, z.output<S>>,
  access: RouteAccess = "public",
): JsonRoute<S> {
  const run = async (request: Request, next?: Next): Promise<Response> => {
    try {
      const params = (await next?.params) ?? {};
      const ctx: BaseContext = { ...(await connected()), params };
      const result = await handler(request, ctx);
      const status = result.status ?? 200;
      if (result.stream) return new Response(result.stream, { status, headers: result.headers });
      if (ctx.config.REDRIVE_CHECK_RESPONSES && status >= 200 && status < 300) {
        return checkedResponse(schema, request, result, status);
      }
      if (result.json === undefined) {
        return Response.json(result.body, { status, headers: result.headers });
      }
      const headers = { "content-type": "application/json", age: String(result.ageSeconds ?? 0) };
      return new Response(result.json, { status, headers });
    } catch (error) {
      return toErrorResponse(error);
    }
  };
  return Object.assign(run, { responseSchema: schema, access });
}

/** Where a body departs from its schema: the field's path and what is wrong, never its value. */
export interface ShapeMismatch {
  /** Dot-separated, array indices as numbers: `messages.3.retryCount`; `(body)` for the whole. */
  field: string;
  /** The zod issue code and, for a wrong type, the expected and the received type. */
  issue: string;
}

const FIELD_CHARS = 200;

/**
 * The first field of a JSON body that the schema refuses, or null when it
 * matches. The body is taken as the client receives it (parsed back from the
 * JSON text), so that NaN, undefined or a Date are judged as what they become.
 * Only names and types go into the result: values may be payloads or secrets.
 */
export function shapeMismatch(schema: ResponseSchema, json: unknown): ShapeMismatch | null {
  const parsed = schema.safeParse(json);
  if (parsed.success) return null;
  const first = parsed.error.issues[0]!;
  const path: PropertyKey[] = [...first.path];
  if (first.code === "unrecognized_keys" && first.keys[0] !== undefined) path.push(first.keys[0]);
  const field = (path.length > 0 ? path.map((p) => String(p)).join(".") : "(body)").slice(
    0,
    FIELD_CHARS,
  );
  const issue =
    first.code === "invalid_type"
      ? `invalid_type: expected ${first.expected}, got ${jsonTypeAt(json, first.path)}`
      : first.code;
  return { field, issue };
}

/** The JSON type of the value at `path` ("missing" when there is none), never the value. */
function jsonTypeAt(json: unknown, path: readonly PropertyKey[]): string {
  let value = json;
  for (const key of path) {
    if (value === null || typeof value !== "object" || !Object.hasOwn(value, key)) {
      return "missing";
    }
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  if (value === null) return "null";
  return Array.isArray(value) ? "array" : typeof value;
}

/**
 * REDRIVE_CHECK_RESPONSES: the body is serialised once, checked as JSON and
 * sent as that text; a mismatch is a bug of the route or its schema, logged
 * and answered as a 500 so that no test can pass over it.
 */
function checkedResponse(
  schema: ResponseSchema,
  request: Request,
  result: RouteResult,
  status: number,
): Response {
  const text = result.json ?? JSON.stringify(result.body);
  const mismatch = shapeMismatch(schema, JSON.parse(text));
  if (!mismatch) {
    const headers: Record<string, string> = {
      ...result.headers,
      "content-type": "application/json",
    };
    if (result.json !== undefined) headers.age = String(result.ageSeconds ?? 0);
    return new Response(text, { status, headers });
  }
  logLine("error", "response shape mismatch", {
    method: request.method,
    path: new URL(request.url).pathname,
    ...mismatch,
  });
  return errorResponse(
    500,
    "RESPONSE_SHAPE",
    `The response does not match its schema at ${mismatch.field} (${mismatch.issue})`,
  );
}

/**
 * The request's user, or 401: the API token of its `Authorization: Bearer`
 * header when it has one (its cookie is then not looked at), else its
 * session cookie.
 */
export async function sessionUser(request: Request, services: Services): Promise<SessionUser> {
  const token = bearerToken(request);
  if (token !== null) {
    const user = await tokenUser(services.redis, token);
    if (!user)
      throw new HttpError(401, "INVALID_TOKEN", "The token is unknown, revoked or expired");
    return user;
  }
  const user = await requestUser(request, services.redis);
  if (!user) throw new HttpError(401, "UNAUTHENTICATED", "Log in first");
  return user;
}

/** A route a token may not use (its own session's, the tokens'), else 403. */
export function withoutToken<C extends SessionContext, B>(handler: Handler<C, B>): Handler<C, B> {
  return async (request, ctx) => {
    if (ctx.user.token)
      throw new HttpError(403, "TOKEN_NOT_ALLOWED", "Log in to the dashboard to do this");
    return handler(request, ctx);
  };
}

/**
 * Any logged-in user, else 401; then what the route covers (./scope.ts): the
 * path's queue must be one of the user's (else 404), a route of no queue needs
 * a grant over every queue (else 403), and the user's role becomes the one
 * they have there. `coverage` null: the caller's own session, any user.
 */
export function withSession<B>(
  handler: Handler<SessionContext, B>,
  coverage: Coverage | null = "all",
): Handler<BaseContext, B> {
  return async (request, ctx) => {
    const user = await sessionUser(request, ctx);
    return handler(request, {
      ...ctx,
      user: coverage === null ? user : scopedUser(user, ctx.params, coverage, ctx.config.QUEUES),
      ip: clientIp(request),
    });
  };
}

/**
 * A request that changes something must come from our own pages, else 403;
 * unless it carries an API token: a token is no ambient credential a browser
 * adds to another site's request, so there is no forgery to stop.
 */
export function withSameOrigin<C extends SessionContext, B>(handler: Handler<C, B>): Handler<C, B> {
  return async (request, ctx) => {
    if (!ctx.user.token && !isSameOrigin(request))
      throw new HttpError(403, "CROSS_SITE", "Cross-site requests cannot change anything");
    return handler(request, ctx);
  };
}

/** A JSON body is required: a cross-site HTML form cannot send one. */
export function withJsonBody<B>(handler: Handler<BodyContext, B>): Handler<SessionContext, B> {
  return async (request, ctx) => handler(request, { ...ctx, body: await jsonBody(request) });
}

/**
 * A change by an admin: same origin, admin role, a JSON body, and always
 * audited as `action`, denials and failures too.
 */
export function withAdmin<B>(
  action: Action,
  handler: Handler<BodyContext, B>,
): Handler<SessionContext, B> {
  return withAudit(
    action,
    withSameOrigin(
      withAdminRole(withJsonBody(withIdempotency(withInvalidation(withReplicas(handler))))),
    ),
  );
}

/** A retry with the same Idempotency-Key gets the first answer instead of acting again (./idempotency.ts). */
function withIdempotency<B>(handler: Handler<BodyContext, B>): Handler<BodyContext, B> {
  return (request, ctx) =>
    runIdempotent(
      { redis: ctx.redis, config: ctx.config, user: ctx.user.name, request, body: ctx.body },
      () => handler(request, ctx),
      (body, status): RouteResult<B> => ({
        body: body as B,
        status,
        audit: { detail: "replayed: the first answer of this Idempotency-Key" },
      }),
    );
}

/**
 * Whoever made a change sees it on the next poll: no shared answer of this
 * process predates it. After the role check, so that denied requests, which
 * anyone logged in can send, never empty the cache; a change that failed
 * half-way empties it too.
 */
function withInvalidation<C, B>(handler: Handler<C, B>): Handler<C, B> {
  return async (request, ctx) => {
    try {
      return await handler(request, ctx);
    } finally {
      readCache.clear();
    }
  };
}

function withAdminRole<B>(handler: Handler<SessionContext, B>): Handler<SessionContext, B> {
  return async (request, ctx) => {
    if (ctx.user.role !== "admin")
      throw new HttpError(403, "FORBIDDEN", "Viewers cannot change anything");
    // A change is the user doing something: the idle timeout starts again.
    if (!ctx.user.token) await touchSession(ctx.redis, ctx.config, ctx.user.sid);
    return handler(request, ctx);
  };
}

function withAudit<B>(
  named: Action,
  handler: Handler<SessionContext, B>,
): Handler<SessionContext, B> {
  return async (request, ctx) => {
    const action = typeof named === "function" ? named(ctx.params) : named;
    let result: RouteResult<B>;
    try {
      result = await handler(request, ctx);
    } catch (error) {
      const status = errorStatus(error);
      const outcome = status === 403 ? "denied" : status === 409 ? "conflict" : "error";
      await audit(ctx, action, outcome, {
        detail: error instanceof Error ? error.message : String(error),
      }).catch(() => undefined);
      throw error;
    }
    // Done is done: appendAudit logs and buffers what Redis refuses, and nothing it
    // does may turn a completed change into an error.
    await audit(ctx, action, "ok", result.audit).catch(() => undefined);
    return result;
  };
}

/** A read: any logged-in user whose grants cover what it shows (./scope.ts). */
export function adminRead<S extends ResponseSchema>(
  schema: S,
  handler: Handler<SessionContext, z.output<S>>,
  coverage: Coverage = "all",
): JsonRoute<S> {
  return route(schema, withSession(handler, coverage), "read");
}

/**
 * A change: admin (of the path's queue, else of every queue) only, same
 * origin only, a JSON body, always audited as `action`.
 */
export function adminMutation<S extends ResponseSchema>(
  schema: S,
  action: Action,
  handler: Handler<BodyContext, z.output<S>>,
): JsonRoute<S> {
  return route(schema, withSession(withAdmin(action, handler)), "admin");
}

/**
 * A dry run of a change (what an edit would touch): what a change needs
 * (same origin, admin role, a JSON body), but it changes nothing, so it is
 * not audited.
 */
export function adminPreview<S extends ResponseSchema>(
  schema: S,
  handler: Handler<BodyContext, z.output<S>>,
): JsonRoute<S> {
  return route(schema, withSession(withSameOrigin(withAdminRole(withJsonBody(handler)))), "admin");
}

/**
 * A change to the caller's own session (activity, sign out everywhere): any
 * logged-in user, same origin and a JSON body as for every other change; not
 * audited.
 */
export function sessionAction<S extends ResponseSchema>(
  schema: S,
  handler: Handler<BodyContext, z.output<S>>,
): JsonRoute<S> {
  return route(
    schema,
    withSession(withoutToken(withSameOrigin(withJsonBody(handler))), null),
    "session",
  );
}

/** Records an audit entry for what a read route does that the log must hold (an export). */
export const recordAudit = (
  ctx: SessionContext,
  action: string,
  result: AuditRecord["result"],
  extra: AuditExtra = {},
) => audit(ctx, action, result, extra);

async function audit(
  ctx: SessionContext,
  action: string,
  result: AuditRecord["result"],
  extra: AuditExtra = {},
): Promise<void> {
  const queue = ctx.params.queue;
  await appendAudit(
    ctx.redis,
    {
      user: ctx.user.name,
      ...(ctx.user.token ? { token: ctx.user.token } : {}),
      role: ctx.user.role,
      action,
      queue: queue && isQueue(ctx.config, queue) ? queue : undefined,
      result,
      ip: ctx.ip,
      ...extra,
      identities: auditIdentities(ctx.config, extra.identities),
    },
    auditOptions(ctx.config),
  );
}
