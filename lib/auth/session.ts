import "server-only";
import { getServerSession } from "next-auth";
import { decode } from "next-auth/jwt";
import { getConfig } from "../config";
import { authOptions } from "./options";
import type { Role } from "./users";

/**
 * The session of an API request, decoded once per token and remembered.
 *
 * getServerSession decrypts the JWE cookie and then encrypts a refreshed one on
 * every call: about 1.2 ms of CPU, which was a third of a DLQ page request.
 * The dashboard polls the same few endpoints with the same cookie, so a
 * decoded token is kept for at most CACHE_MS and never past its own `exp`.
 * A session therefore lasts its 8 hours from login (no sliding refresh from
 * API calls); signing out clears the cookie, so a cached entry is never reached
 * again by that browser.
 */
export interface SessionUser {
  name: string;
  role: Role;
}

const CACHE_MS = 30_000;
const CACHE_MAX = 1_000;
/** The cookie next-auth sets: with the __Secure- prefix when the site is served over HTTPS. */
function cookieName(): string {
  const secure = getConfig().NEXTAUTH_URL?.startsWith("https://") ?? false;
  return `${secure ? "__Secure-" : ""}next-auth.session-token`;
}

const remembered = new Map<string, { user: SessionUser; until: number }>();

/** The logged-in user of a request, or null. */
export async function requestUser(request: Request): Promise<SessionUser | null> {
  const header = request.headers.get("cookie");
  const token = sessionCookie(header);
  if (token === undefined) {
    // next-auth splits a cookie over 4 KB into chunks (.0, .1 …): its own path reads those.
    return header?.includes("session-token.0=") ? fromNextAuth() : null;
  }
  const now = Date.now();
  const hit = remembered.get(token);
  if (hit && hit.until > now) return hit.user;
  return decodeAndRemember(token, now);
}

async function decodeAndRemember(token: string, now: number): Promise<SessionUser | null> {
  const secret = authOptions().secret;
  if (!secret) return null;
  const payload = await decode({ token, secret }).catch(() => null);
  const exp = typeof payload?.exp === "number" ? payload.exp * 1000 : 0;
  if (!payload?.name || exp <= now) return null;
  const user: SessionUser = { name: payload.name, role: payload.role ?? "viewer" };
  if (remembered.size >= CACHE_MAX) remembered.clear();
  remembered.set(token, { user, until: Math.min(exp, now + CACHE_MS) });
  return user;
}

async function fromNextAuth(): Promise<SessionUser | null> {
  const session = await getServerSession(authOptions());
  return session?.user?.name ? { name: session.user.name, role: session.user.role } : null;
}

/** The session token from a Cookie header; undefined when absent (or chunked). */
export function sessionCookie(header: string | null, name = cookieName()): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    try {
      return decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      return ""; // malformed: no session (decode gives null), not a 500
    }
  }
  return undefined;
}
