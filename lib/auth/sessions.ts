import "server-only";
import { randomBytes } from "node:crypto";
import type { RedisClient } from "../redis/client";
import type { Config } from "../config";
import { runScript } from "../redis/scripts";
import type { Role } from "./users";
import { ownKey, type KeyPrefix } from "../own-keys";

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
 *   <prefix>:session:<sid>        HASH user, loginAt, lastActive, display, ended (expires with the session)
 *   <prefix>:session:revoked:<u>  STRING epoch ms: sessions of <u> from before it are over
 *
 * (<prefix>: REDRIVE_KEY_PREFIX, `redrive` by default.)
 */
const sessionKey = (c: KeyPrefix, sid: string) => ownKey(c, `session:${sid}`);
const revokedKey = (c: KeyPrefix, user: string) => ownKey(c, `session:revoked:${user}`);

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
  redis: RedisClient,
  config: Config,
  who: { user: string; display: boolean },
  now = Date.now(),
): Promise<{ sid: string; loginAt: number }> {
  const sid = randomBytes(18).toString("base64url");
  await writeRecord(
    redis,
    config,
    sid,
    { name: who.user, loginAt: now, display: who.display },
    now,
  );
  return { sid, loginAt: now };
}

async function writeRecord(
  redis: RedisClient,
  config: Config,
  sid: string,
  session: { name: string; loginAt: number; display: boolean },
  now: number,
): Promise<void> {
  const key = sessionKey(config, sid);
  await redis
    .multi()
    .hset(key, {
      user: session.name,
      loginAt: session.loginAt,
      lastActive: now,
      display: session.display ? "1" : "0",
    })
    .pexpireat(key, session.loginAt + sessionLifetimeMs(config, session.display))
    .exec();
}

export type SessionState =
  { valid: true; lastActive: number } | { valid: false; reason: "expired" | "idle" | "ended" };

/**
 * The session's state now, from its record and the user's revocation mark. A
 * record that is missing while the signed cookie is still within its lifetime
 * was lost with Redis's data (a restart without persistence): it is made
 * again, so an outage does not sign everyone out; a session someone ended
 * keeps its record, marked, until it would have expired anyway.
 */
export async function readSession(
  redis: RedisClient,
  config: Config,
  claims: SessionClaims,
  now = Date.now(),
): Promise<SessionState> {
  if (now >= claims.loginAt + sessionLifetimeMs(config, claims.display)) {
    return { valid: false, reason: "expired" };
  }
  const [record, revoked] = await Promise.all([
    redis.hmget(sessionKey(config, claims.sid), "user", "lastActive", "ended"),
    redis.get(revokedKey(config, claims.name)),
  ]);
  const [user, lastActive, ended] = record;
  if (revoked !== null && Number(revoked) >= claims.loginAt)
    return { valid: false, reason: "ended" };
  if (user === null) {
    await writeRecord(redis, config, claims.sid, claims, now);
    return { valid: true, lastActive: now };
  }
  if (user !== claims.name || ended !== null) return { valid: false, reason: "ended" };
  const active = Number(lastActive);
  const idle = idleMs(config, claims.display);
  if (idle > 0 && now - active > idle) return { valid: false, reason: "idle" };
  return { valid: true, lastActive: active };
}

/** Something the user did: the idle timeout starts again. */
export async function touchSession(
  redis: RedisClient,
  config: KeyPrefix,
  sid: string,
  now = Date.now(),
): Promise<void> {
  await runScript(redis, "updateSession", [sessionKey(config, sid)], ["lastActive", now]);
}

/** Ends one session (signing out): the record stays, marked, so that it is not made again. */
export async function endSession(
  redis: RedisClient,
  config: KeyPrefix,
  sid: string,
): Promise<void> {
  await runScript(redis, "updateSession", [sessionKey(config, sid)], ["ended", "1"]);
}

/** Ends every session of `user` that began before now, on every dashboard instance. */
export async function endAllSessions(
  redis: RedisClient,
  config: Config,
  user: string,
  now = Date.now(),
): Promise<void> {
  const longest = Math.max(sessionLifetimeMs(config, true), sessionLifetimeMs(config, false));
  await redis.set(revokedKey(config, user), now, "PX", Math.ceil(longest));
}
