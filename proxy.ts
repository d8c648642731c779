import { NextResponse } from "next/server";
import { withAuth } from "next-auth/middleware";

/**
 * Every page and every /api/admin route needs a session. Pages without one
 * go to the login page; API calls get a 401 in the API's error envelope.
 * Handlers check the session and role again: this is the first gate, not the only one.
 */
export default withAuth(
  function proxy(request) {
    if (!request.nextauth.token && request.nextUrl.pathname.startsWith("/api/")) {
      return NextResponse.json(
        { error: { code: "UNAUTHENTICATED", message: "Log in first" } },
        { status: 401 },
      );
    }
    return NextResponse.next();
  },
  {
    pages: { signIn: "/login" },
    callbacks: {
      // API routes always reach the function above, which answers 401 itself.
      authorized: ({ token, req }) => req.nextUrl.pathname.startsWith("/api/") || token !== null,
    },
  },
);

export const config = {
  matcher: ["/((?!api/auth|api/health|login|_next/static|_next/image|favicon.ico).*)"],
};
