import NextAuth from "next-auth";
import { authOptions } from "@/lib/auth/options";
import { clearLoginFailures, loginThrottle, recordLoginFailure } from "@/lib/auth/throttle";
import { errorResponse, toErrorResponse } from "@/lib/http/errors";
import { clientIp } from "@/lib/http/request";
import { connected } from "@/lib/http/services";

type Context = { params: Promise<{ nextauth: string[] }> };

function nextAuth(request: Request, context: Context): Promise<Response> {
  const handler = NextAuth(authOptions()) as (r: Request, c: Context) => Promise<Response>;
  return handler(request, context);
}

export const GET = nextAuth;

/** Credential logins go through the throttle (429 with Retry-After) before next-auth sees them. */
export async function POST(request: Request, context: Context): Promise<Response> {
  if (!new URL(request.url).pathname.endsWith("/callback/credentials"))
    return nextAuth(request, context);
  const form = await request.clone().formData();
  const name = String(form.get("username") ?? "").slice(0, 200);
  const ip = clientIp(request);
  try {
    const { redis, config } = await connected();
    const state = await loginThrottle(redis, config, name, ip);
    if (state.blocked) {
      return errorResponse(
        429,
        "TOO_MANY_ATTEMPTS",
        `Too many failed logins; try again in ${state.retryAfter} s`,
        {
          "Retry-After": String(state.retryAfter),
        },
      );
    }
    const response = await nextAuth(request, context);
    const loggedIn = /session-token=[^;]/.test(response.headers.get("set-cookie") ?? "");
    if (loggedIn) await clearLoginFailures(redis, name, ip);
    else await recordLoginFailure(redis, config, name, ip);
    return response;
  } catch (error) {
    return toErrorResponse(error);
  }
}
