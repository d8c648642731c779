import "server-only";
import { createHash } from "node:crypto";
import type Redis from "ioredis";
import type { Config } from "../config";

/**
 * Login throttling: LOGIN_MAX_FAILURES failed logins for one user name from
 * one IP within LOGIN_WINDOW_SECONDS block further tries from there until the
 * window (started by the first failure) ends. In Redis, so that every
 * dashboard instance sees the same count.
 */
function throttleKey(name: string, ip: string): string {
  const digest = createHash("sha256").update(`${name}\n${ip}`).digest("hex").slice(0, 32);
  return `redrive:login:fail:${digest}`;
}

export interface ThrottleState {
  blocked: boolean;
  /** Seconds until another try is allowed (0 when not blocked). */
  retryAfter: number;
}

export async function loginThrottle(
  redis: Redis,
  config: Config,
  name: string,
  ip: string,
): Promise<ThrottleState> {
  const key = throttleKey(name, ip);
  const [count, ttl] = await Promise.all([redis.get(key), redis.ttl(key)]);
  const blocked = Number(count ?? 0) >= config.LOGIN_MAX_FAILURES;
  return { blocked, retryAfter: blocked ? Math.max(1, ttl) : 0 };
}

export async function recordLoginFailure(
  redis: Redis,
  config: Config,
  name: string,
  ip: string,
): Promise<void> {
  const key = throttleKey(name, ip);
  await redis.multi().incr(key).expire(key, config.LOGIN_WINDOW_SECONDS, "NX").exec();
}

export async function clearLoginFailures(redis: Redis, name: string, ip: string): Promise<void> {
  await redis.del(throttleKey(name, ip));
}
