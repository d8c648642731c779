import { describe, expect, it } from "vitest";
import { sessionCookie } from "@/lib/auth/session";

const NAME = "next-auth.session-token";

describe("sessionCookie", () => {
  it("should find only the session cookie, decoded", () => {
    expect(sessionCookie(`a=1; ${NAME}=x%2Ey; b=2`, NAME)).toBe("x.y");
    expect(sessionCookie("next-auth.csrf-token=z", NAME)).toBeUndefined();
    expect(sessionCookie(null, NAME)).toBeUndefined();
    // A malformed escape is no session, not an exception (which would be a 500).
    expect(sessionCookie(`${NAME}=%E0%A4%A`, NAME)).toBe("");
  });

  it("should read only the cookie next-auth sets for this site", () => {
    expect(sessionCookie(`__Secure-${NAME}=x`, NAME)).toBeUndefined();
    expect(sessionCookie(`__Secure-${NAME}=x`, `__Secure-${NAME}`)).toBe("x");
  });

  it("should join a session cookie next-auth split in chunks when all are there", () => {
    expect(sessionCookie(`${NAME}.1=cd; x=1; ${NAME}.0=ab`, NAME)).toBe("abcd");
    expect(sessionCookie(`${NAME}.1=cd`, NAME)).toBeUndefined();
  });
});
