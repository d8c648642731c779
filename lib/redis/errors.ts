/**
 * Redis unreachable, not answering, or still loading its data after a
 * restart; on a Cluster also a slot without a master (CLUSTERDOWN, "Too many
 * Cluster redirections" while a failover runs, a client not ready yet):
 * ioredis' own error shapes. Matched by code and message, not by
 * class name: a production bundle renames classes (MaxRetriesPerRequestError
 * arrives as "i").
 */
export function isRedisUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: string }).code;
  return (
    code === "ECONNREFUSED" ||
    code === "ECONNRESET" ||
    code === "ETIMEDOUT" ||
    code === "EPIPE" ||
    error.name === "MaxRetriesPerRequestError" ||
    error.message.startsWith("Reached the max retries per request limit") ||
    error.message.startsWith("LOADING ") ||
    error.message.startsWith("CLUSTERDOWN") ||
    error.message.startsWith("TRYAGAIN") ||
    error.message.startsWith("Too many Cluster redirections") ||
    error.message.startsWith("Cluster isn't ready") ||
    error.message.startsWith("Failed to refresh slots cache") ||
    /Connection is closed|Stream isn't writeable|connect ECONNREFUSED|Command timed out/.test(
      error.message,
    )
  );
}

export type WriteRefusal = "REDIS_OOM" | "REDIS_MISCONF" | "REDIS_READONLY";

/**
 * Redis answered but refused to write: memory full under noeviction (OOM),
 * persistence failing (MISCONF), or a replica (READONLY, e.g. just after a
 * failover). Inside a script the reply carries the same words after a prefix.
 */
export function writeRefusalOf(error: unknown): WriteRefusal | null {
  if (!(error instanceof Error) || error.name !== "ReplyError") return null;
  const text = error.message;
  if (text.startsWith("OOM ") || text.includes("OOM command not allowed")) return "REDIS_OOM";
  if (text.startsWith("MISCONF ") || text.includes("MISCONF ")) return "REDIS_MISCONF";
  if (text.startsWith("READONLY ") || text.includes("READONLY You can't write")) {
    return "REDIS_READONLY";
  }
  return null;
}

/** What the admin is told for each refusal: why, and that nothing was lost. */
export const WRITE_REFUSAL_MESSAGES: Record<WriteRefusal, string> = {
  REDIS_OOM:
    "Redis is at its memory limit and refuses writes (noeviction); no message was lost or half moved. Free memory or raise maxmemory, then retry.",
  REDIS_MISCONF:
    "Redis refuses writes because it cannot persist to disk (MISCONF); no message was lost or half moved. Check the Redis log and its disk, then retry.",
  REDIS_READONLY:
    "This Redis is a read-only replica (a failover may be under way); no message was lost or half moved. Retry in a moment.",
};

/**
 * A refusal by the Redis user's ACL rules, as the admin should read it ("the
 * Redis user may not run MEMORY USAGE"), or null for any other error. Redis
 * words it differently by version and inside scripts; all carry NOPERM or
 * "The user executing the script can't".
 */
export function permissionDenialOf(error: unknown): string | null {
  if (!(error instanceof Error) || error.name !== "ReplyError") return null;
  const text = error.message;
  const inScript = text.includes("The user executing the script can't");
  if (!text.startsWith("NOPERM") && !inScript) return null;
  const fix =
    "Grant it in the user's ACL rules (the README's “Least-privilege Redis user” lists what Redrive needs).";
  if (inScript) {
    const what = text.includes("access") ? "touch a key" : "run a command";
    return `The Redis user may not ${what} that one of Redrive's Lua scripts uses. ${fix}`;
  }
  const command = commandIn(text) ?? commandOf(error);
  if (/\bkeys?\b/.test(text)) {
    return `The Redis user may not access a key that ${command} uses (its ACL key patterns exclude it). ${fix}`;
  }
  return `The Redis user may not run ${command}. ${fix}`;
}

/** The command an ACL refusal names, e.g. 'memory|usage' -> MEMORY USAGE. */
function commandIn(text: string): string | null {
  const open = text.indexOf("'");
  const close = open >= 0 ? text.indexOf("'", open + 1) : -1;
  if (close <= open + 1 || close - open > 64) return null;
  return text
    .slice(open + 1, close)
    .replace("|", " ")
    .toUpperCase();
}

/** The command ioredis sent, which its ReplyError carries. */
function commandOf(error: Error): string {
  const name = (error as { command?: { name?: unknown } }).command?.name;
  return typeof name === "string" ? name.toUpperCase() : "a command";
}
