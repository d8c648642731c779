import "server-only";
import { createHash } from "node:crypto";
import type { RedisClient } from "../redis/client";
import { errorEnvelope, errorStatus, HttpError } from "./errors";
import { ownKey, type KeyPrefix } from "../own-keys";

/**
 * `Idempotency-Key` on admin mutations: a request sent again with the same key
 * (the dashboard retries one whose answer never came, e.g. because the
 * dashboard server was killed mid-request) gets the first request's answer
 * instead of acting twice.
 *
 * The first request claims the key in Redis with `SET NX` and a short lease
 * (PENDING_SECONDS); its outcome replaces the claim and is kept for
 * KEEP_SECONDS. A retry while the claim stands answers 409 IN_PROGRESS; after a
 * crash the claim expires and the retry runs again, which moves nothing
 * twice either: every move names its messages by identity, so a message the
 * first request already moved answers 409 or comes back as missing (a
 * selection moves in atomic pages, so a crash can leave some pages moved). A
 * key is the caller's own (user, method and path are part of it) and reusing
 * one with another body is 422. 5xx outcomes are not kept, so that a retry
 * tries again: Redis refused, failed or did not answer, and the same
 * identity rule makes the second try safe.
 *
 * Keys: redrive:idempotency:<sha256 of user, method, path, key>, one string each.
 */

export const IDEMPOTENCY_HEADER = "idempotency-key";
/** Long enough for the slowest mutation (a bounded move: well under a second). */
export const PENDING_SECONDS = 30;
/** How long a retry can still get the first answer. */
export const KEEP_SECONDS = 24 * 3600;
/** Outcomes larger than this are not kept (a retry runs again: see above). */
const KEEP_MAX_BYTES = 256 * 1024;
const KEY_SHAPE = /^[\w.:-]{1,128}$/;

interface Stored {
  /** sha256 of the body: the same key with another body is a client bug. */
  fp: string;
  state: "pending" | "done";
  status?: number;
  body?: unknown;
}

function redisKey(config: KeyPrefix, user: string, request: Request, key: string): string {
  const path = new URL(request.url).pathname;
  const hash = createHash("sha256").update(`${user}\n${request.method}\n${path}\n${key}`);
  return ownKey(config, `idempotency:${hash.digest("hex")}`);
}

function fingerprint(body: unknown): string {
  return createHash("sha256")
    .update(JSON.stringify(body) ?? "")
    .digest("hex");
}

/** The header's key, null when absent; 400 when it is not 1-128 of letters, digits and _ . : -. */
export function idempotencyKeyOf(request: Request): string | null {
  const key = request.headers.get(IDEMPOTENCY_HEADER);
  if (key === null) return null;
  if (!KEY_SHAPE.test(key)) {
    throw new HttpError(
      400,
      "INVALID_IDEMPOTENCY_KEY",
      "Idempotency-Key must be 1 to 128 letters, digits, or _ . : -",
    );
  }
  return key;
}

/** A handler's outcome as far as this module needs it (route.ts's RouteResult). */
export interface Outcome {
  body: unknown;
  status?: number;
}

/** Who asks what: the key is scoped to the user, the method and the path; the body is fingerprinted. */
export interface IdempotentRequest {
  redis: RedisClient;
  /** REDRIVE_KEY_PREFIX, under which the records are kept. */
  config: KeyPrefix;
  user: string;
  request: Request;
  body: unknown;
}

/** What a second request with a taken key gets: the first answer (through `replayed`), or why not. */
function replay<R extends Outcome>(
  stored: Stored,
  fp: string,
  replayed: (body: unknown, status: number) => R,
): R {
  if (stored.fp !== fp) {
    throw new HttpError(
      422,
      "IDEMPOTENCY_KEY_REUSED",
      "This Idempotency-Key was used for another request body; use a new key per action",
    );
  }
  if (stored.state === "pending") {
    throw new HttpError(
      409,
      "IN_PROGRESS",
      `The first request with this Idempotency-Key is still running (or its server stopped: then it is released within ${PENDING_SECONDS} s); retry in a moment`,
    );
  }
  const status = stored.status ?? 200;
  if (status >= 400) {
    const { code, message } = (stored.body as { error: { code: string; message: string } }).error;
    throw new HttpError(status, code, message);
  }
  return replayed(stored.body, status);
}

/** A stored value; one that is not ours (written by hand, another version) counts as a claim. */
function parseStored(text: string, fp: string): Stored {
  try {
    const value = JSON.parse(text) as Partial<Stored>;
    if (typeof value.fp === "string" && (value.state === "pending" || value.state === "done")) {
      return value as Stored;
    }
  } catch {
    // Falls through to the claim below.
  }
  return { fp, state: "pending" };
}

async function keep(redis: RedisClient, key: string, stored: Stored): Promise<void> {
  const text = JSON.stringify(stored);
  if (text.length > KEEP_MAX_BYTES) await redis.del(key);
  else await redis.set(key, text, "EX", KEEP_SECONDS);
}

/**
 * Runs `run` at most once per Idempotency-Key (requests without the header
 * run as they are); a retry gets `replayed(first body, first status)` or the
 * first error again.
 */
export async function runIdempotent<R extends Outcome>(
  req: IdempotentRequest,
  run: () => Promise<R>,
  replayed: (body: unknown, status: number) => R,
): Promise<R> {
  const header = idempotencyKeyOf(req.request);
  if (header === null) return run();
  const key = redisKey(req.config, req.user, req.request, header);
  const fp = fingerprint(req.body);
  const claim: Stored = { fp, state: "pending" };
  const claimed = await req.redis.set(key, JSON.stringify(claim), "EX", PENDING_SECONDS, "NX");
  if (claimed === null) {
    const text = await req.redis.get(key);
    // Expired between the two calls: this request runs as the first one would.
    if (text === null) return runIdempotent(req, run, replayed);
    return replay(parseStored(text, fp), fp, replayed);
  }
  let result: R;
  try {
    result = await run();
  } catch (error) {
    const status = errorStatus(error);
    const done =
      status < 500 &&
      keep(req.redis, key, { fp, state: "done", status, body: errorEnvelope(error) });
    await (done || req.redis.del(key)).catch(() => undefined);
    throw error;
  }
  // The change is made: failing to keep its answer must not turn it into an error.
  const stored: Stored = { fp, state: "done", status: result.status ?? 200, body: result.body };
  await keep(req.redis, key, stored).catch(() => undefined);
  return result;
}
