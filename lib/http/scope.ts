import "server-only";
import { roleEverywhere, roleOn, roleOverAll, visibleQueues, type QueueGrant } from "../access";
import type { SessionUser } from "../auth/session";
import type { Config } from "../config";
import type { EngineContext } from "../queues/context";
import { HttpError } from "./errors";

/** What of a route's context the scope needs (route.ts's SessionContext has it all). */
interface ScopeContext {
  config: Config;
  engine: { ctx: EngineContext };
  user: SessionUser;
}

/**
 * What a route's answer covers, which decides who may call it and the role it
 * is served with (roles per queue, lib/access.ts):
 *   - a route with a `[queue]` in its path covers that queue: a queue the user
 *     has no grant on answers 404 as an unknown one would (it does not exist
 *     for them), and the request acts with the user's role on that queue;
 *   - "listed": a list of queues (overview, stats, history, audit), which
 *     shows only the queues the user sees, with the role they have on all;
 *   - "none": nothing of any queue (Redis's own settings and topology): any
 *     logged-in user, with the role they have over every queue, else viewer;
 *   - "all": anything else (the cache, other users' sessions, the metrics),
 *     which needs a grant over every queue. This is the default, so that a
 *     new route is closed to a user of some queues until it filters.
 */
export type Coverage = "listed" | "none" | "all";

/** The path's queue when not the user's: 404 UNKNOWN_QUEUE, the words of an unknown one. */
export function unknownQueue(value: string): HttpError {
  return new HttpError(
    404,
    "UNKNOWN_QUEUE",
    `Unknown queue ${JSON.stringify(value.slice(0, 100))}`,
  );
}

/** The user as this route serves them: their role narrowed to what the route covers. */
export function scopedUser(
  user: SessionUser,
  params: Readonly<Record<string, string>>,
  coverage: Coverage,
  queues: readonly string[],
): SessionUser {
  const queue = params.queue;
  if (queue !== undefined) {
    const role = roleOn(user.grants, queue);
    if (role === null) throw unknownQueue(queue);
    return { ...user, role };
  }
  if (coverage === "listed") {
    return { ...user, role: roleOverAll(visibleQueues(queues, user.grants), user.grants) };
  }
  const role = roleEverywhere(user.grants);
  if (role === null && coverage === "none") return { ...user, role: "viewer" };
  if (role === null) {
    throw new HttpError(
      403,
      "FORBIDDEN",
      "Your access covers some queues only, and this is not one",
    );
  }
  return { ...user, role };
}

/** The configured queues this user sees, in configuration order. */
export function visibleTo(ctx: ScopeContext): string[] {
  return visibleQueues(ctx.config.QUEUES, ctx.user.grants);
}

/** The engine's context with QUEUES cut to what the user sees: what lists are built from. */
export function engineFor(ctx: ScopeContext): EngineContext {
  const engine = ctx.engine.ctx;
  if (roleEverywhere(ctx.user.grants) !== null) return engine;
  return { ...engine, config: { ...engine.config, QUEUES: visibleTo(ctx) } };
}

/** Whether the user sees `queue` (an entry of the audit log, a series of the history). */
export function sees(grants: readonly QueueGrant[], queue: string): boolean {
  return roleOn(grants, queue) !== null;
}
