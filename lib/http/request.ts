import { behindFront, CLIENT_ADDRESS_HEADER } from "./front.mjs";

/**
 * Facts about a request that guards need. The client address is the one the
 * front layer (npm start) derived from the socket and REDRIVE_TRUSTED_PROXIES;
 * a server started without that layer (next dev) cannot know it, and never
 * believes a header a client could have set.
 */
export function clientIp(request: Request | { headers: Headers }): string {
  if (!behindFront()) return "unknown";
  return request.headers.get(CLIENT_ADDRESS_HEADER)?.slice(0, 64) ?? "unknown";
}

/**
 * A mutation authenticated by a cookie must come from our own pages:
 * Sec-Fetch-Site (sent by every current browser) must be same-origin; without
 * it, the Origin header must name this host. Anything else is cross-site.
 */
export function isSameOrigin(request: Request): boolean {
  const site = request.headers.get("sec-fetch-site");
  if (site) return site === "same-origin";
  const origin = request.headers.get("origin");
  if (!origin) return false;
  const host = request.headers.get("x-forwarded-host") ?? request.headers.get("host");
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}
