import { encode } from "next-auth/jwt";
import { beforeAll, describe, expect, it } from "vitest";

const SECRET = "unit-secret-unit-secret-unit-secret";
process.env.NEXTAUTH_SECRET = SECRET;

// Imported after the env is set: the config is read once.
const { requestUser, sessionCookie } = await import("@/lib/auth/session");

function withCookie(cookie: string): Request {
  return new Request("http://127.0.0.1/api/admin/dlq/stats", { headers: { cookie } });
}

describe("requestUser", () => {
  let token: string;
  beforeAll(async () => {
    token = await encode({ token: { name: "ana", role: "admin" }, secret: SECRET });
  });

  it("should return the user of a valid session cookie, among other cookies", async () => {
    const user = await requestUser(withCookie(`theme=dark; next-auth.session-token=${token}`));
    expect(user).toEqual({ name: "ana", role: "admin" });
    // The second call is served from memory and says the same.
    expect(await requestUser(withCookie(`next-auth.session-token=${token}`))).toEqual(user);
  });

  it("should read only the cookie next-auth sets for this site (no __Secure- prefix over http)", async () => {
    expect(await requestUser(withCookie(`__Secure-next-auth.session-token=${token}`))).toBeNull();
    expect(
      sessionCookie(`__Secure-next-auth.session-token=x`, "__Secure-next-auth.session-token"),
    ).toBe("x");
  });

  it("should refuse tampered, foreign-secret and expired tokens", async () => {
    const tampered = token.slice(0, -4) + (token.endsWith("AAAA") ? "BBBB" : "AAAA");
    const foreign = await encode({ token: { name: "eve", role: "admin" }, secret: "x".repeat(40) });
    const expired = await encode({
      token: { name: "old", role: "admin" },
      secret: SECRET,
      maxAge: -60,
    });
    for (const t of [tampered, foreign, expired, "", "not-a-jwt"]) {
      expect(await requestUser(withCookie(`next-auth.session-token=${t}`)), t).toBeNull();
    }
    expect(await requestUser(new Request("http://127.0.0.1/"))).toBeNull();
  });

  it("should make a token without a role a viewer", async () => {
    const bare = await encode({ token: { name: "sso" }, secret: SECRET });
    expect(await requestUser(withCookie(`next-auth.session-token=${bare}`))).toEqual({
      name: "sso",
      role: "viewer",
    });
  });
});

describe("sessionCookie", () => {
  it("should find only the session cookie, decoded", () => {
    expect(sessionCookie("a=1; next-auth.session-token=x%2Ey; b=2")).toBe("x.y");
    expect(sessionCookie("next-auth.csrf-token=z")).toBeUndefined();
    expect(sessionCookie(null)).toBeUndefined();
    // A malformed escape is no session, not an exception (which would be a 500).
    expect(sessionCookie("next-auth.session-token=%E0%A4%A")).toBe("");
  });
});
