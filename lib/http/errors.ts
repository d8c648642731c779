import { z } from "zod";
import { EngineError, type EngineErrorCode } from "../queues/errors";
import { UnknownQueueError } from "../queues/keys";
import {
  isRedisUnavailable,
  permissionDenialOf,
  writeRefusalOf,
  WRITE_REFUSAL_MESSAGES,
} from "../redis/errors";
import type { ErrorBody } from "./types";
import { countRedisError } from "../metrics/process-metrics";

export { isRedisUnavailable };

/**
 * The one error envelope of the admin API, `{error: {code, message}}`
 * (ErrorBodySchema in ./responses.ts), and the one place where an exception
 * becomes a status (bull-board's errorResponse).
 */
export type { ErrorBody };

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "HttpError";
  }
}

export function errorResponse(
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): Response {
  const body: ErrorBody = { error: { code, message } };
  countRedisError(code);
  return Response.json(body, { status, headers });
}

const ENGINE_STATUS: Record<EngineErrorCode, number> = {
  NOT_FOUND: 404,
  CONFLICT: 409,
  LOST: 409,
  UNKNOWN_QUEUE: 404,
  INVALID: 400,
  TOO_LARGE: 413,
};

/** The envelope a thrown value maps to, or null for an unexpected error (a 500). */
function known(error: unknown): HttpError | null {
  if (error instanceof HttpError) return error;
  if (error instanceof UnknownQueueError) return new HttpError(404, error.code, error.message);
  if (error instanceof EngineError) {
    return new HttpError(ENGINE_STATUS[error.code], error.code, error.message);
  }
  if (error instanceof z.ZodError) {
    const first = error.issues[0];
    const where = first?.path.length ? `${first.path.join(".")}: ` : "";
    return new HttpError(400, "INVALID", `${where}${first?.message ?? "invalid input"}`);
  }
  if (error instanceof Error && error.message === "Command timed out") {
    // Sent but unanswered: Redis may still run it when it catches up (a move included).
    return new HttpError(
      503,
      "REDIS_TIMEOUT",
      "Redis did not answer in time (stalled or overloaded); a change may still take effect when it catches up, so reload before trying again",
    );
  }
  if (isRedisUnavailable(error)) {
    return new HttpError(503, "REDIS_UNAVAILABLE", "Redis is not reachable; retry in a moment");
  }
  const refusal = writeRefusalOf(error);
  if (refusal) return new HttpError(503, refusal, WRITE_REFUSAL_MESSAGES[refusal]);
  const denial = permissionDenialOf(error);
  if (denial) return new HttpError(503, "REDIS_NO_PERMISSION", denial);
  return null;
}

/** The status a thrown value will answer with, without logging it (an audit needs it first). */
export function errorStatus(error: unknown): number {
  return known(error)?.status ?? 500;
}

/** The JSON envelope a thrown value answers with (INTERNAL for an unexpected one), without logging it. */
export function errorEnvelope(error: unknown): ErrorBody {
  const mapped = known(error);
  return mapped
    ? { error: { code: mapped.code, message: mapped.message } }
    : {
        error: {
          code: "INTERNAL",
          message: "Something went wrong; the server log has the details",
        },
      };
}

/** Maps any thrown value to a response; unknown errors are logged, never shown. */
export function toErrorResponse(error: unknown): Response {
  const mapped = known(error);
  if (mapped) return errorResponse(mapped.status, mapped.code, mapped.message, mapped.headers);
  process.stderr.write(
    `${JSON.stringify({ ts: new Date().toISOString(), level: "error", msg: "unhandled API error", error: String(error), stack: error instanceof Error ? error.stack : undefined })}\n`,
  );
  return errorResponse(500, "INTERNAL", "Something went wrong; the server log has the details");
}
