import "server-only";
import { decode, type JWT } from "next-auth/jwt";
import { getConfig, type Config } from "../config";
import type { RedisClient } from "../redis/client";
import { isRedisUnavailable } from "../redis/errors";
import { asViewer, highestRole, type QueueGrant } from "../access";
import { isOidcConfigured, oidcGrantsNow } from "./oidc";
import { readSession, sessionLifetimeMs, type SessionClaims } from "./sessions";
import { tokenGrants, tokenRecord, type TokenActor } from "./tokens";
import { currentUsers, type Role } from "./users";

/**
 * The user of a request: the session cookie decoded, its session record
 * checked (lifetime, idle time, sign-out everywhere) and the user checked
 * against the configured users NOW, so a removed or demoted user loses access
 * within SESSION_RECHECK_SECONDS without rotating the secret.
 *
 * The result is remembered per token for SESSION_RECHECK_SECONDS (30): the
 * dashboard polls with the same cookie, and decoding a JWE plus two Redis
 * reads on every poll would be most of a request's cost.
 */
export interface SessionUser {
  name: string;
  /**
   * The role this request acts with: the highest of the grants when the
   * session is read, then narrowed by the route to the role on the path's
   * queue, or over the queues a list shows (lib/http/route.ts).
   */
  role: Role;
  /** What the user may see and do, queue by queue (./access.ts). */
  grants: QueueGrant[];
  /** The session's id; "" for a token (which has none). */
  sid: string;
  display: boolean;
  /** Set when the request carries an API token (./tokens.ts): `name` is then `token:<its name>`. */
  token?: TokenActor;
}

const CACHE_MAX = 1_000;

/** The cookie next-auth sets: with the __Secure- prefix when the site is served over HTTPS. */
function cookieName(config: Config): string {
  const secure = config.NEXTAUTH_URL?.startsWith("https://") ?? false;
  return `${secure ? "__Secure-" : ""}next-auth.session-token`;
}

const remembered = new Map<string, { user: SessionUser; until: number; ends: number }>();

/** The logged-in user of a request, or null. */
export function requestUser(
  request: { headers: Headers },
  redis: RedisClient,
): Promise<SessionUser | null> {
  return userOfCookies(request.headers.get("cookie"), redis);
}

/**
 * The API token of an `Authorization: Bearer <token>` header; null when the
 * request has no such header. Only there: a token in a URL ends up in logs
 * and histories, and one in a cookie would be sent by the browser to pages
 * of another site's making.
 */
export function bearerToken(request: { headers: Headers }): string | null {
  const header = request.headers.get("authorization");
  if (header === null || !/^bearer /i.test(header)) return null;
  return header.slice(7).trim();
}

/** The user a live API token acts as, or null (unknown, revoked, expired or malformed). */
export async function tokenUser(redis: RedisClient, token: string): Promise<SessionUser | null> {
  const record = await tokenRecord(redis, getConfig(), token, Date.now() / 1000);
  if (!record) return null;
  const grants = tokenGrants(record);
  return {
    name: `token:${record.name}`,
    role: highestRole(grants),
    grants,
    sid: "",
    display: false,
    token: { id: record.id, createdBy: record.createdBy },
  };
}

/**
 * The logged-in user of a Cookie header, or null. With `whileRedisDown`, a
 * session that cannot be looked up because Redis is unreachable counts by its
 * signed cookie alone (not remembered): the pages' frame still renders during
 * an outage, while every API call answers 503 until Redis is back.
 */
export async function userOfCookies(
  header: string | null,
  redis: RedisClient,
  options: { whileRedisDown?: boolean } = {},
): Promise<SessionUser | null> {
  const config = getConfig();
  const token = sessionCookie(header, cookieName(config));
  if (!token) return null;
  const now = Date.now();
  const hit = remembered.get(token);
  if (hit && hit.until > now && hit.ends > now) return hit.user;
  remembered.delete(token);
  const claims = await claimsOf(config, token);
  if (!claims) return null;
  const user = await checkNow(redis, config, claims, now).catch((error: unknown) => {
    if (!options.whileRedisDown || !isRedisUnavailable(error)) throw error;
    const grants = currentGrants(config, claims);
    return grants ? userOf(claims, grants) : null;
  });
  if (!user) return null;
  if (remembered.size >= CACHE_MAX) remembered.clear();
  const ends = claims.loginAt + sessionLifetimeMs(config, claims.display);
  remembered.set(token, { user, until: now + config.SESSION_RECHECK_SECONDS * 1000, ends });
  return user;
}

async function claimsOf(config: Config, token: string): Promise<SessionClaims | null> {
  if (!config.NEXTAUTH_SECRET) return null;
  const jwt: JWT | null = await decode({ token, secret: config.NEXTAUTH_SECRET }).catch(() => null);
  if (!jwt?.name || !jwt.sid || typeof jwt.loginAt !== "number") return null;
  return {
    name: jwt.name,
    role: jwt.role ?? "viewer",
    sid: jwt.sid,
    loginAt: jwt.loginAt,
    display: jwt.display === true,
    provider: jwt.provider ?? "credentials",
    email: jwt.email ?? null,
    sub: jwt.sub ?? "",
    groups: Array.isArray(jwt.groups) ? jwt.groups.filter((g) => typeof g === "string") : [],
  };
}

/** The session's user as the configuration and Redis say now, or null when it has ended. */
async function checkNow(
  redis: RedisClient,
  config: Config,
  claims: SessionClaims,
  now: number,
): Promise<SessionUser | null> {
  const grants = currentGrants(config, claims);
  if (!grants) return null;
  const state = await readSession(redis, config, claims, now);
  if (!state.valid) return null;
  return userOf(claims, grants);
}

function userOf(claims: SessionClaims, granted: QueueGrant[]): SessionUser {
  // A read-only display views whatever its user may see, and changes nothing.
  const grants = claims.display ? asViewer(granted) : granted;
  return {
    name: claims.name,
    role: highestRole(grants),
    grants,
    sid: claims.sid,
    display: claims.display,
  };
}

/** The grants the user has now, or null when they may no longer log in at all. */
function currentGrants(config: Config, claims: SessionClaims): QueueGrant[] | null {
  if (claims.provider === "credentials") {
    const user = currentUsers(config).find((u) => u.name === claims.name);
    return user ? [{ role: user.role, queues: user.queues }] : null;
  }
  const grants = isOidcConfigured(config) ? oidcGrantsNow(claims, config) : null;
  return grants && grants.length > 0 ? grants : null;
}

/**
 * The session token from a Cookie header; next-auth splits one over 4 KB into
 * `<name>.0`, `<name>.1`, … which are joined in order. Undefined when absent.
 */
export function sessionCookie(header: string | null, name: string): string | undefined {
  if (!header) return undefined;
  let whole: string | undefined;
  const chunks: string[] = [];
  for (const part of header.slice(0, 32_768).split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === name) whole = value;
    else if (key.startsWith(`${name}.`)) {
      const n = Number(key.slice(name.length + 1));
      if (Number.isInteger(n) && n >= 0 && n < 16) chunks[n] = value;
    }
  }
  const raw = whole ?? joinChunks(chunks);
  if (raw === undefined) return undefined;
  try {
    return decodeURIComponent(raw);
  } catch {
    return ""; // malformed: no session, not a 500
  }
}

/** The chunks joined, when there are some and none is missing. */
function joinChunks(chunks: (string | undefined)[]): string | undefined {
  if (chunks.length === 0) return undefined;
  for (let i = 0; i < chunks.length; i++) if (chunks[i] === undefined) return undefined;
  return chunks.join("");
}
