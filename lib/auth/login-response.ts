import "server-only";
import { getConfig } from "../config";
import { deviceCookie } from "./device";
import { LOGIN_REFUSALS } from "./options";

/**
 * next-auth answers every refused credentials login with 401 and the reason in
 * an `error=` parameter of the URL it sends back (a Location header, or
 * `{url}` with json=true). This gives a refusal the status a client can act on
 * — 429 with Retry-After when throttled, 503 when too busy or Redis is down —
 * keeping next-auth's `{url}` so its client library still reads the error,
 * and gives a browser that just logged in its device cookie.
 */
export async function loginResponse(request: Request, response: Response): Promise<Response> {
  const error = await errorOf(response);
  if (error) {
    const refusal = statusOf(error);
    if (refusal) return refuse(response, error, ...refusal);
  }
  if (startsSession(response)) await addDeviceCookie(request, response);
  return response;
}

async function errorOf(response: Response): Promise<string | null> {
  let url = response.headers.get("location");
  if (!url && response.headers.get("content-type")?.startsWith("application/json")) {
    const body = (await response
      .clone()
      .json()
      .catch(() => null)) as { url?: unknown } | null;
    url = typeof body?.url === "string" ? body.url : null;
  }
  if (!url) return null;
  try {
    return new URL(url, "http://localhost").searchParams.get("error");
  } catch {
    return null;
  }
}

type Refusal = [status: number, code: string, message: string, retryAfter: number];

function statusOf(error: string): Refusal | null {
  if (error.startsWith(`${LOGIN_REFUSALS.throttled}:`)) {
    const wait = Math.max(1, Number(error.slice(LOGIN_REFUSALS.throttled.length + 1)) || 60);
    return [429, "TOO_MANY_ATTEMPTS", `Too many failed logins; try again in ${wait} s`, wait];
  }
  if (error === LOGIN_REFUSALS.busy) {
    return [503, "BUSY", "Too many logins at once; try again in a moment", 2];
  }
  if (error === LOGIN_REFUSALS.unavailable) {
    return [503, "REDIS_UNAVAILABLE", "Redis is not reachable; retry in a moment", 5];
  }
  return null;
}

function refuse(
  response: Response,
  error: string,
  status: number,
  code: string,
  message: string,
  retryAfter: number,
): Response {
  const headers = new Headers();
  for (const cookie of response.headers.getSetCookie()) headers.append("set-cookie", cookie);
  headers.set("content-type", "application/json");
  headers.set("retry-after", String(retryAfter));
  const url = `/login?error=${encodeURIComponent(error.split(":")[0]!)}`;
  return new Response(JSON.stringify({ url, error: { code, message } }), { status, headers });
}

function startsSession(response: Response): boolean {
  return response.headers
    .getSetCookie()
    .some((c) => /^(__Secure-)?next-auth\.session-token(\.0)?=[^;]/.test(c));
}

async function addDeviceCookie(request: Request, response: Response): Promise<void> {
  const config = getConfig();
  if (!config.NEXTAUTH_SECRET) return;
  const form = await request.formData().catch(() => null);
  const name = form?.get("username");
  if (typeof name !== "string" || name === "") return;
  const https = config.NEXTAUTH_URL?.startsWith("https://") ?? false;
  response.headers.append("set-cookie", deviceCookie(config.NEXTAUTH_SECRET, name, https));
}
