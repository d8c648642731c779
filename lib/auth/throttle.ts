import "server-only";
import { createHash } from "node:crypto";
import type { RedisClient } from "../redis/client";
import type { Config } from "../config";
import { runScript } from "../redis/scripts";
import { ownKey, type KeyPrefix } from "../own-keys";

/**
 * Login throttling, counted in Redis (every dashboard instance sees the same
 * counts) BEFORE the password is compared, in one script call, so that
 * concurrent guesses cannot all slip past a check made before any of them was
 * counted. A successful login takes its own count back.
 *
 * Which counters an attempt meets depends on the browser:
 * - a browser holding a device cookie for that user (it logged in as that
 *   user before): only that cookie's counter, LOGIN_MAX_FAILURES per
 *   LOGIN_WINDOW_SECONDS. So the real admin still gets in from their usual
 *   browser while someone else hammers their user name.
 * - any other browser: the client address with that user name
 *   (LOGIN_MAX_FAILURES per LOGIN_WINDOW_SECONDS), the client address with any
 *   name (LOGIN_MAX_FAILURES_PER_CLIENT: one address cannot spray names), and
 *   the user name from everywhere (LOGIN_MAX_FAILURES_PER_USER per
 *   LOGIN_USER_WINDOW_SECONDS: higher and shorter, because anyone who knows
 *   the name can fill it; it bounds guessing from many addresses).
 */
export interface LoginAttempt {
  name: string;
  client: string;
  /** The id of a valid device cookie issued to this user, if the browser sent one. */
  device?: string;
}

export type LoginGate =
  { allowed: true; counted: string[]; cleared: string } | { allowed: false; retryAfter: number };

/** Under REDRIVE_KEY_PREFIX; `{login}` keeps every counter of an attempt in one Cluster slot. */
const prefixOf = (config: KeyPrefix) => ownKey(config, "{login}");

function digest(...parts: string[]): string {
  return createHash("sha256").update(parts.join("\n")).digest("hex").slice(0, 32);
}

/** Counter keys with their limit and window, for one attempt. */
export function countersOf(
  config: Config,
  attempt: LoginAttempt,
): { key: string; limit: number; window: number }[] {
  const window = config.LOGIN_WINDOW_SECONDS;
  if (attempt.device) {
    return [
      {
        key: `${prefixOf(config)}:d:${digest(attempt.device)}`,
        limit: config.LOGIN_MAX_FAILURES,
        window,
      },
    ];
  }
  return [
    {
      key: `${prefixOf(config)}:cu:${digest(attempt.client, attempt.name)}`,
      limit: config.LOGIN_MAX_FAILURES,
      window,
    },
    {
      key: `${prefixOf(config)}:c:${digest(attempt.client)}`,
      limit: config.LOGIN_MAX_FAILURES_PER_CLIENT,
      window,
    },
    {
      key: `${prefixOf(config)}:u:${digest(attempt.name)}`,
      limit: config.LOGIN_MAX_FAILURES_PER_USER,
      window: config.LOGIN_USER_WINDOW_SECONDS,
    },
  ];
}

/** Counts the attempt, or refuses it with the seconds to wait. */
export async function beginLogin(
  redis: RedisClient,
  config: Config,
  attempt: LoginAttempt,
): Promise<LoginGate> {
  const counters = countersOf(config, attempt);
  const wait = Number(
    await runScript(
      redis,
      "loginAttempt",
      counters.map((c) => c.key),
      counters.flatMap((c) => [c.limit, c.window]),
    ),
  );
  if (wait > 0) return { allowed: false, retryAfter: wait };
  return { allowed: true, counted: counters.map((c) => c.key), cleared: counters[0]!.key };
}

/**
 * The password was right: this attempt was no failure, and the failures of
 * this browser (or address) for this user are forgiven.
 */
export async function loginSucceeded(
  redis: RedisClient,
  gate: Extract<LoginGate, { allowed: true }>,
): Promise<void> {
  const lowered = gate.counted.filter((key) => key !== gate.cleared);
  await runScript(redis, "forgiveLogin", [gate.cleared, ...lowered], []);
}
