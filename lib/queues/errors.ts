import { UnknownQueueError } from "./keys";

/** Negative replies of the Lua scripts; each script's header says which it returns. */
export enum LuaCode {
  CHANGED = -2,
  LOST = -3,
  DUPLICATE = -4,
  ACTIVE = -5,
}

export type EngineErrorCode =
  "NOT_FOUND" | "CONFLICT" | "LOST" | "UNKNOWN_QUEUE" | "INVALID" | "TOO_LARGE";

export class EngineError extends Error {
  constructor(
    readonly code: EngineErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "EngineError";
  }
}

/** The one place where a script's numeric reply becomes a typed error. */
export function checkLuaReply(reply: unknown, context: string): number {
  const n = Number(reply);
  if (!Number.isInteger(n)) throw new Error(`${context}: unexpected script reply ${String(reply)}`);
  if (n >= 0) return n;
  switch (n as LuaCode) {
    case LuaCode.CHANGED:
      throw new EngineError("CONFLICT", `${context}: the list changed while it was being read`);
    case LuaCode.LOST:
      throw new EngineError("LOST", `${context}: the message is no longer in the processing list`);
    case LuaCode.DUPLICATE:
      throw new EngineError("CONFLICT", `${context}: an identical message is already scheduled`);
    case LuaCode.ACTIVE:
      throw new EngineError(
        "CONFLICT",
        `${context}: this queue already has a requeue-all or delete-all task running`,
      );
    default:
      throw new Error(`${context}: unknown script code ${n}`);
  }
}

export { UnknownQueueError };
