import NextAuth from "next-auth";
import { serverAuthOptions } from "@/lib/http/auth";
import { loginResponse } from "@/lib/auth/login-response";

type Context = { params: Promise<{ nextauth: string[] }> };

function nextAuth(request: Request, context: Context): Promise<Response> {
  const handler = NextAuth(serverAuthOptions()) as (r: Request, c: Context) => Promise<Response>;
  return handler(request, context);
}

export const GET = nextAuth;

/**
 * Every POST goes to next-auth as it is: the throttle sits where credentials
 * are checked, whatever path reached it. Its answer is then given the status
 * a client can act on (429, 503) and, after a login, a device cookie.
 */
export async function POST(request: Request, context: Context): Promise<Response> {
  // next-auth needs the request as Next made it (a NextRequest); the copy is for the user name.
  const copy = request.clone();
  return loginResponse(copy, await nextAuth(request, context));
}
