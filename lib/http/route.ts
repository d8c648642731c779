import "server-only";
import { appendAudit, auditOptions, type AuditRecord } from "../audit/audit";
import { requestUser, type SessionUser } from "../auth/session";
import { touchSession } from "../auth/sessions";
import { isQueue } from "../queues/keys";
import { auditIdentities } from "../queues/redact";
import { jsonBody } from "./body";
import { HttpError, toErrorResponse } from "./errors";
import { clientIp, isSameOrigin } from "./request";
import { connected, type Services } from "./services";

/**
 * Route handlers are built from these wrappers (bull-board's habit): each
 * checks the session (and for mutations the admin role and the request's
 * origin), maps every error to the JSON envelope, and audits mutations.
 */
export interface RouteContext extends Services {
  user: SessionUser;
  ip: string;
}

type Params = Record<string, string>;
type Next<P> = { params: Promise<P> };

/** The request's logged-in user, or 401. */
export async function sessionUser(request: Request, services: Services): Promise<SessionUser> {
  const user = await requestUser(request, services.redis);
  if (!user) throw new HttpError(401, "UNAUTHENTICATED", "Log in first");
  return user;
}

/** A configured queue name from the path, else 404 (no other key can be addressed). */
export function queueParam(value: string | undefined, ctx: Services): string {
  if (!value || !isQueue(ctx.config, value)) {
    throw new HttpError(
      404,
      "UNKNOWN_QUEUE",
      `Unknown queue ${JSON.stringify((value ?? "").slice(0, 100))}`,
    );
  }
  return value;
}

/** A read: any logged-in user. */
export function adminRead<P extends Params>(
  handler: (request: Request, ctx: RouteContext, params: P) => Promise<unknown>,
) {
  return async (request: Request, next: Next<P>): Promise<Response> => {
    try {
      const services = await connected();
      const ctx = {
        ...services,
        user: await sessionUser(request, services),
        ip: clientIp(request),
      };
      const body = await handler(request, ctx, ((await next?.params) ?? {}) as P);
      return body instanceof Response ? body : Response.json(body);
    } catch (error) {
      return toErrorResponse(error);
    }
  };
}

/** What a mutation handler returns: the response body and what to audit. */
export interface MutationResult {
  body: unknown;
  status?: number;
  audit?: Partial<Pick<AuditRecord, "queue" | "identities" | "count" | "detail">>;
}

/** A mutation: admin only, same origin only, always audited (denials and failures too). */
export function adminMutation<P extends Params>(
  action: string,
  handler: (
    request: Request,
    ctx: RouteContext,
    params: P,
    body: unknown,
  ) => Promise<MutationResult>,
) {
  return async (request: Request, next: Next<P>): Promise<Response> => {
    let ctx: RouteContext | undefined;
    const params = ((await next?.params) ?? {}) as P;
    try {
      const services = await connected();
      ctx = { ...services, user: await sessionUser(request, services), ip: clientIp(request) };
      if (!isSameOrigin(request))
        throw new HttpError(403, "CROSS_SITE", "Cross-site requests cannot change anything");
      if (ctx.user.role !== "admin")
        throw new HttpError(403, "FORBIDDEN", "Viewers cannot change anything");
      // A change is the user doing something: the idle timeout starts again.
      await touchSession(ctx.redis, ctx.user.sid);
      // A JSON body is required: a cross-site HTML form cannot send one.
      const body = await jsonBody(request);
      const result = await handler(request, ctx, params, body);
      // Done is done: appendAudit logs and buffers what Redis refuses, and nothing it
      // does may turn a completed change into an error.
      await audit(ctx, action, params, "ok", result.audit).catch(() => undefined);
      return Response.json(result.body, { status: result.status ?? 200 });
    } catch (error) {
      const response = toErrorResponse(error);
      if (ctx) {
        const result =
          response.status === 403 ? "denied" : response.status === 409 ? "conflict" : "error";
        await audit(ctx, action, params, result, {
          detail: error instanceof Error ? error.message : String(error),
        }).catch(() => undefined);
      }
      return response;
    }
  };
}

async function audit(
  ctx: RouteContext,
  action: string,
  params: Params,
  result: AuditRecord["result"],
  extra: MutationResult["audit"] = {},
): Promise<void> {
  await appendAudit(
    ctx.redis,
    {
      user: ctx.user.name,
      role: ctx.user.role,
      action,
      queue: params.queue && isQueue(ctx.config, params.queue) ? params.queue : undefined,
      result,
      ip: ctx.ip,
      ...extra,
      identities: auditIdentities(ctx.config, extra.identities),
    },
    auditOptions(ctx.config),
  );
}
