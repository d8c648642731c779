import NextAuth from "next-auth";
import { serverAuthOptions } from "@/lib/http/auth";
import { loginResponse } from "@/lib/auth/login-response";
import { notJsonObject } from "@/lib/http/body";
import { errorResponse } from "@/lib/http/errors";

type Context = { params: Promise<{ nextauth: string[] }> };

function nextAuth(request: Request, context: Context): Promise<Response> {
  const handler = NextAuth(serverAuthOptions()) as (r: Request, c: Context) => Promise<Response>;
  return handler(request, context);
}

/** next-auth answers a GET of the credentials callback (it takes only POST) with a 500. */
export async function GET(request: Request, context: Context): Promise<Response> {
  const [action, provider] = (await context.params).nextauth;
  if (action === "callback" && provider === "credentials") {
    return errorResponse(405, "METHOD_NOT_ALLOWED", "Log in with a POST", { allow: "POST" });
  }
  return nextAuth(request, context);
}

/**
 * Every POST goes to next-auth as it is: the throttle sits where credentials
 * are checked, whatever path reached it. Its answer is then given the status
 * a client can act on (429, 503) and, after a login, a device cookie.
 */
export async function POST(request: Request, context: Context): Promise<Response> {
  if (await notJsonObject(request)) {
    return errorResponse(400, "INVALID_JSON", "A JSON body must be a JSON object");
  }
  // next-auth needs the request as Next made it (a NextRequest); the copy is for the user name.
  const copy = request.clone();
  return loginResponse(copy, await nextAuth(request, context));
}
