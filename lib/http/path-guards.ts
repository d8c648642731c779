import "server-only";
import { isQueue } from "../queues/keys";
import type { MoveMode } from "../queues/dlq-move";
import { HttpError } from "./errors";
import { LATER_MAX_DAYS } from "./schemas";
import { unknownQueue } from "./scope";
import type { BaseContext, Handler, Params } from "./route";

/**
 * Guards for the path's parameters: each turns a segment into a checked value
 * on the context, or answers 404 before anything is read or changed, so that
 * no request can name a key or an operation that is not Redrive's.
 */

/**
 * The path's queue: a configured queue name, else 404 UNKNOWN_QUEUE (no other
 * key can be addressed). The handler gets it as `ctx.queue`. Whether it is
 * one of the user's was checked with the session (./scope.ts), before any
 * guard or shared answer.
 */
export function withQueue<C extends BaseContext, B>(
  // NoInfer: the body type comes from the route's schema, not from what the handler
  // returns, so that a wrong shape is reported in the handler, against the schema.
  handler: Handler<C & { queue: string }, NoInfer<B>>,
): Handler<C, B> {
  return async (request, ctx) => {
    const value = ctx.params.queue;
    if (!value || !isQueue(ctx.config, value)) throw unknownQueue(value ?? "");
    return handler(request, { ...ctx, queue: value });
  };
}

const MOVE_MODES: readonly MoveMode[] = ["requeue", "delete"];

function isMoveMode(value: string | undefined): value is MoveMode {
  return MOVE_MODES.includes(value as MoveMode);
}

/**
 * The path's `[mode]`: requeue or delete, the two moves that share every
 * route's shape; any other word is 404 NOT_FOUND, as for a path no route has.
 */
export function withMoveMode<C extends BaseContext, B>(
  handler: Handler<C & { mode: MoveMode }, NoInfer<B>>,
): Handler<C, B> {
  return async (request, ctx) => {
    const mode = ctx.params.mode;
    if (!isMoveMode(mode)) throw new HttpError(404, "NOT_FOUND", "No such API route");
    return handler(request, { ...ctx, mode });
  };
}

/**
 * The audit action of a move route: "requeue" or "delete" and what it moved;
 * "move" for a word the route refuses, so that the log never holds one a
 * client made up.
 */
export function moveAction(what = ""): (params: Params) => string {
  return (params) => `${isMoveMode(params.mode) ? params.mode : "move"}${what}`;
}

/**
 * A move's options from its body's `at` (requeue later): refused for a delete,
 * and beyond LATER_MAX_DAYS; a time already past is due at once.
 */
export function laterOf(mode: MoveMode, at: number | undefined, now = Date.now() / 1000) {
  if (at === undefined) return {};
  if (mode !== "requeue") throw new HttpError(400, "INVALID", "at is for requeue only");
  if (at > now + LATER_MAX_DAYS * 86_400) {
    throw new HttpError(400, "INVALID", `at must be within ${LATER_MAX_DAYS} days`);
  }
  return { at };
}

/** The audit detail of a move put off to `at`. */
export const laterDetail = (at: number | undefined) =>
  at === undefined ? undefined : `later: due ${new Date(at * 1000).toISOString()}`;
