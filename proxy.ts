import { withAuth } from "next-auth/middleware";

/**
 * Every page needs a session: pages without one go to the login page.
 *
 * /api routes are not matched. Each admin and session route checks the
 * session itself, first of all (lib/http/route.ts: withSession before
 * anything reads the request), and checks more than a proxy could: the
 * session record in Redis and the user's role now. A proxy in front of them
 * only decoded the same cookie again, and Next.js's proxy step cost about
 * 1.2 ms of CPU per API request, a quarter of a DLQ page's, which the
 * dashboard's polls pay all day. tests/api/routes-guard.test.ts walks every
 * route file and asserts its 401 without a session, so a route without the
 * check fails the suite instead of hiding behind the proxy.
 */
export default withAuth({
  pages: { signIn: "/login" },
  callbacks: { authorized: ({ token }) => token !== null },
});

export const config = {
  matcher: ["/((?!api/|login|_next/static|_next/image|favicon.ico).*)"],
};
