import "server-only";
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * Device cookies: a browser that logged in as a user gets a signed cookie
 * naming that user, and later attempts from it for that user meet only the
 * cookie's own failure counter (see throttle.ts). Someone who knows only the
 * user name can fill every other counter but never this one, so they cannot
 * lock the real user out of the browser they use.
 *
 * The cookie is `<user>.<id>.<signature>` (user base64url-encoded), HttpOnly,
 * SameSite=Strict, sent only to /api/auth.
 */
export const DEVICE_COOKIE = "redrive-device";
const MAX_AGE_SECONDS = 90 * 24 * 3600;

function sign(secret: string, user: string, id: string): string {
  return createHmac("sha256", secret).update(`device\n${user}\n${id}`).digest("base64url");
}

/** A fresh device cookie for a user who just logged in (a Set-Cookie value). */
export function deviceCookie(secret: string, user: string, https: boolean): string {
  const id = randomBytes(16).toString("base64url");
  const value = `${Buffer.from(user).toString("base64url")}.${id}.${sign(secret, user, id)}`;
  const flags = ["Path=/api/auth", "HttpOnly", "SameSite=Strict", `Max-Age=${MAX_AGE_SECONDS}`];
  if (https) flags.push("Secure");
  return [`${DEVICE_COOKIE}=${value}`, ...flags].join("; ");
}

/** The device id of a Cookie header's device cookie, when it is valid and names `user`. */
export function deviceOf(
  secret: string | undefined,
  cookieHeader: string | undefined,
  user: string,
): string | undefined {
  if (!secret || !cookieHeader) return undefined;
  const value = cookieValue(cookieHeader, DEVICE_COOKIE);
  const [who, id, signature, ...rest] = (value ?? "").split(".");
  if (!who || !id || !signature || rest.length > 0) return undefined;
  if (Buffer.from(who, "base64url").toString() !== user) return undefined;
  const expected = Buffer.from(sign(secret, user, id));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given) ? id : undefined;
}

/** One cookie's value from a Cookie header (bounded: the header is cut at 8 KB). */
export function cookieValue(header: string, name: string): string | undefined {
  for (const part of header.slice(0, 8192).split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
