import { describe, expect, it } from "vitest";
import { useApp } from "../helpers/app";

const app = useApp({
  OIDC_ISSUER: "http://127.0.0.1:9/realms/test",
  OIDC_CLIENT_ID: "redrive",
  OIDC_CLIENT_SECRET: "s3cret-value",
  OIDC_ADMIN_EMAILS: "ops@example.com",
});

describe("single sign-on", () => {
  it("should offer the OIDC provider beside passwords when it is configured", async () => {
    const providers = (await (await app.call("/api/auth/providers")).json()) as Record<
      string,
      { type: string }
    >;
    expect(Object.keys(providers).sort()).toEqual(["credentials", "oidc"]);
    expect(providers.oidc!.type).toBe("oauth");
    const login = await (await app.call("/login")).text();
    expect(login).toContain("Log in with single sign-on");
  });

  it("should keep secrets out of the pages the browser gets", async () => {
    const login = await (await app.call("/login")).text();
    expect(login).not.toContain("s3cret-value");
    expect(login).not.toContain("test-secret-test-secret");
  });
});
