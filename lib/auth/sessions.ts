import "server-only";
import { randomBytes } from "node:crypto";
import type Redis from "ioredis";
import type { Config } from "../config";
import { runScript } from "../redis/scripts";
import type { Role } from "./users";

/**
 * Server-side session records: what makes a signed session cookie end on time
 * whatever next-auth does with it (its session endpoint re-issues the cookie
 * with a fresh expiry on every call).
 *
 * - Absolute lifetime: SESSION_MAX_AGE_HOURS from login, never extended.
 * - Idle timeout: SESSION_IDLE_MINUTES without anything the user did (a page
 *   load, a click or key press reported by the page, a change). The pages'
 *   polling is not activity, so a dashboard left open signs itself out.
 * - Display sessions (the login form's "read-only display" box) are viewers
 *   whatever the user's role, have no idle timeout and last
 *   SESSION_DISPLAY_MAX_AGE_HOURS: for a wall screen.
 * - "Sign out everywhere" marks every session of a user that began before now
 *   as ended.
 *
 *   redrive:session:<sid>        HASH user, loginAt, lastActive, display (expires with the session)
 *   redrive:session:revoked:<u>  STRING epoch ms: sessions of <u> from before it are over
 */
const SESSION = "redrive:session:";
const REVOKED = "redrive:session:revoked:";

export interface SessionClaims {
  name: string;
  role: Role;
  sid: string;
  loginAt: number;
  display: boolean;
  /** "credentials" or "oidc": where the user is checked again. */
  provider: string;
  email: string | null;
  /** SSO: the token's subject and the groups that counted at login. */
  sub: string;
  groups: string[];
}

export function sessionLifetimeMs(config: Config, display: boolean): number {
  const hours = display ? config.SESSION_DISPLAY_MAX_AGE_HOURS : config.SESSION_MAX_AGE_HOURS;
  return hours * 3_600_000;
}

function idleMs(config: Config, display: boolean): number {
  return display ? 0 : config.SESSION_IDLE_MINUTES * 60_000;
}

export async function createSession(
  redis: Redis,
  config: Config,
  who: { user: string; display: boolean },
  now = Date.now(),
): Promise<{ sid: string; loginAt: number }> {
  const sid = randomBytes(18).toString("base64url");
  const key = SESSION + sid;
  await redis
    .multi()
    .hset(key, {
      user: who.user,
      loginAt: now,
      lastActive: now,
      display: who.display ? "1" : "0",
    })
    .pexpireat(key, now + sessionLifetimeMs(config, who.display))
    .exec();
  return { sid, loginAt: now };
}

export type SessionState =
  { valid: true; lastActive: number } | { valid: false; reason: "expired" | "idle" | "ended" };

/** The session's state now, from its record and the user's revocation mark. */
export async function readSession(
  redis: Redis,
  config: Config,
  claims: SessionClaims,
  now = Date.now(),
): Promise<SessionState> {
  if (now >= claims.loginAt + sessionLifetimeMs(config, claims.display)) {
    return { valid: false, reason: "expired" };
  }
  const [record, revoked] = await Promise.all([
    redis.hmget(SESSION + claims.sid, "user", "lastActive"),
    redis.get(REVOKED + claims.name),
  ]);
  const [user, lastActive] = record;
  if (user !== claims.name || (revoked !== null && Number(revoked) >= claims.loginAt)) {
    return { valid: false, reason: "ended" };
  }
  const active = Number(lastActive);
  const idle = idleMs(config, claims.display);
  if (idle > 0 && now - active > idle) return { valid: false, reason: "idle" };
  return { valid: true, lastActive: active };
}

/** Something the user did: the idle timeout starts again. */
export async function touchSession(redis: Redis, sid: string, now = Date.now()): Promise<void> {
  await runScript(redis, "touchSession", [SESSION + sid], [now]);
}

/** Ends one session (signing out). */
export async function endSession(redis: Redis, sid: string): Promise<void> {
  await redis.del(SESSION + sid);
}

/** Ends every session of `user` that began before now, on every dashboard instance. */
export async function endAllSessions(
  redis: Redis,
  config: Config,
  user: string,
  now = Date.now(),
): Promise<void> {
  const longest = Math.max(sessionLifetimeMs(config, true), sessionLifetimeMs(config, false));
  await redis.set(REVOKED + user, now, "PX", Math.ceil(longest));
}
