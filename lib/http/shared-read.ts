import "server-only";
import { readCost } from "../queues/read";
import { scopeKey } from "../access";
import { redactorFor } from "../queues/redact";
import { readCache } from "./read-cache";
import type { Handler, RouteResult, SessionContext } from "./route";

/**
 * How often a heavy read (insights, error groups: scans of thousands of
 * entries) is computed for the dashboards that poll it, at most.
 */
export const HEAVY_READ_MS = 30_000;

/**
 * A read that made Redis copy this many bytes of entries (a page holding a
 * 50 MB dead letter, cut to its head and tail for the list, still costs Redis
 * a copy of all of it) is a heavy read too: its answer is kept HEAVY_READ_MS
 * for polls, so that a page left open does not stall Redis on every poll.
 */
export const HEAVY_READ_BYTES = 8 * 1024 * 1024;

/** The oldest answer any request may ask for: a page left open must not read an hour-old DLQ. */
const MAX_AGE_CAP_MS = 60_000;

/**
 * How old an answer this request accepts, from its `Cache-Control`: `max-age`
 * in seconds (the dashboard sends its poll interval), `no-cache` or
 * `max-age=0` for a fresh read (the "refresh now" button). No header is a
 * fresh read too, so that scripts and curl see Redis as it is now.
 */
export function acceptedAgeMs(request: Request): number {
  const header = request.headers.get("cache-control")?.toLowerCase() ?? "";
  if (header.includes("no-cache") || header.includes("no-store")) return 0;
  const match = /(?:^|[,\s])max-age=(\d{1,6})(?:$|[,\s])/.exec(header);
  return match ? Math.min(Number(match[1]) * 1000, MAX_AGE_CAP_MS) : 0;
}

/**
 * A read whose answer is shared between sessions (see read-cache.ts). The key
 * is what the answer depends on: the method, the path, the query (in a fixed
 * order), whether the caller sees masked payloads (REDRIVE_REDACT) and which
 * queues they see (roles per queue), never who the caller is. A heavy read
 * (`heavyMs`) is computed at most once per that many ms for every request
 * that accepts a cached answer at all; a fresh read (no header, no-cache)
 * still reads now.
 */
export function shared<C extends SessionContext, B>(
  handler: Handler<C, B>,
  options: { heavyMs?: number } = {},
): Handler<C, B> {
  return async (request, ctx) => {
    const accepted = acceptedAgeMs(request);
    const maxAge = accepted > 0 ? Math.max(accepted, options.heavyMs ?? 0) : 0;
    let own: RouteResult<B> | undefined;
    const { answer, hit } = await readCache.read(keyOf(request, ctx), maxAge, async () => {
      const cost = { bytes: 0 };
      own = await readCost.run(cost, () => handler(request, ctx));
      const keepMs = cost.bytes >= HEAVY_READ_BYTES ? HEAVY_READ_MS : 0;
      return { body: own.body, shareable: (own.status ?? 200) === 200, keepMs };
    });
    if (!answer) return own!;
    return {
      body: answer.body as B,
      json: answer.json,
      ageSeconds: hit ? Math.floor((Date.now() - answer.at) / 1000) : 0,
    };
  };
}

function keyOf(request: Request, ctx: SessionContext): string {
  const url = new URL(request.url);
  const query = [...url.searchParams].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const view = redactorFor(ctx.config, ctx.user) ? "masked" : "full";
  // Lists show only the user's queues: users who see other queues get other answers.
  const scope = scopeKey(ctx.user.grants);
  return `${request.method} ${url.pathname}?${new URLSearchParams(query).toString()} ${view} ${scope}`;
}
