/**
 * Facts about a request that guards need. The client IP is the first
 * X-Forwarded-For hop when a proxy sets it, else X-Real-IP, else unknown.
 */
export function clientIp(request: Request): string {
  const forwarded = request.headers.get("x-forwarded-for");
  if (forwarded) return forwarded.split(",")[0]!.trim().slice(0, 64);
  return request.headers.get("x-real-ip")?.slice(0, 64) ?? "unknown";
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
