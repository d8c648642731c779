import { describe, expect, it } from "vitest";
import { oidcIdentity } from "@/lib/auth/oidc";
import { productionAuthProblems } from "@/lib/auth/startup";
import { ConfigError, loadConfig } from "@/lib/config";

const config = loadConfig({
  OIDC_ISSUER: "https://id.example.com",
  OIDC_CLIENT_ID: "redrive",
  OIDC_CLIENT_SECRET: "secret",
  OIDC_ALLOWED_DOMAINS: "Example.com",
  OIDC_ALLOWED_GROUPS: "redrive-viewers",
  OIDC_ADMIN_EMAILS: "Ops@Example.com, boss@partner.org",
  OIDC_ADMIN_GROUPS: "redrive-admins",
});

describe("oidcIdentity", () => {
  it("should refuse an unverified e-mail when it is listed as admin", () => {
    expect(oidcIdentity({ sub: "1", email: "ops@example.com" }, config)).toHaveProperty("denied");
    expect(
      oidcIdentity({ sub: "1", email: "ops@example.com", email_verified: false }, config),
    ).toHaveProperty("denied");
    expect(
      oidcIdentity({ sub: "1", email: "ops@example.com", email_verified: "false" }, config),
    ).toHaveProperty("denied");
  });

  it("should make an admin of a listed e-mail when the issuer verified it as true or 'true'", () => {
    for (const verified of [true, "true"]) {
      expect(
        oidcIdentity(
          { sub: "1", email: "OPS@example.com", email_verified: verified, name: "Anyone" },
          config,
        ),
      ).toEqual({
        id: "1",
        name: "ops@example.com",
        email: "ops@example.com",
        role: "admin",
        grants: [
          { role: "admin", queues: null },
          { role: "viewer", queues: null },
        ],
        groups: [],
      });
    }
    expect(
      oidcIdentity({ sub: "2", email: "boss@partner.org", email_verified: true }, config),
    ).toMatchObject({ role: "admin", name: "boss@partner.org" });
  });

  it("should let in a verified e-mail of an allowed domain as viewer when the domain matches exactly", () => {
    expect(
      oidcIdentity({ sub: "3", email: "dev@example.com", email_verified: true }, config),
    ).toMatchObject({ role: "viewer", name: "dev@example.com" });
    for (const email of ["dev@sub.example.com", "dev@example.com.evil.org", "dev@notexample.com"]) {
      expect(oidcIdentity({ sub: "3", email, email_verified: true }, config)).toHaveProperty(
        "denied",
      );
    }
  });

  it("should judge the domain by what follows the last @ when the address has several", () => {
    expect(
      oidcIdentity({ sub: "4", email: "a@example.com@evil.org", email_verified: true }, config),
    ).toHaveProperty("denied");
  });

  it("should let in a member of an allowed group as viewer and of an admin group as admin", () => {
    expect(
      oidcIdentity(
        { sub: "5", email: "x@other.org", email_verified: true, groups: ["redrive-viewers"] },
        config,
      ),
    ).toMatchObject({ role: "viewer", name: "x@other.org" });
    expect(
      oidcIdentity(
        { sub: "6", email: "y@other.org", email_verified: true, groups: "redrive-admins" },
        config,
      ),
    ).toMatchObject({ role: "admin" });
    expect(
      oidcIdentity(
        { sub: "7", email: "z@other.org", email_verified: true, groups: ["Redrive-Viewers"] },
        config,
      ),
    ).toHaveProperty("denied");
  });

  it("should read groups from the claim OIDC_GROUPS_CLAIM names when it is set", () => {
    const custom = { ...config, OIDC_GROUPS_CLAIM: "roles" };
    const claims = { sub: "8", email: "r@other.org", email_verified: true };
    expect(oidcIdentity({ ...claims, roles: ["redrive-viewers"] }, custom)).toMatchObject({
      role: "viewer",
    });
    expect(oidcIdentity({ ...claims, groups: ["redrive-viewers"] }, custom)).toHaveProperty(
      "denied",
    );
  });

  it("should name a user without an e-mail by sub and never by the display name", () => {
    expect(
      oidcIdentity({ sub: "svc-9", name: "ops@example.com", groups: ["redrive-viewers"] }, config),
    ).toEqual({
      id: "svc-9",
      name: "svc-9",
      email: null,
      role: "viewer",
      grants: [{ role: "viewer", queues: null }],
      groups: ["redrive-viewers"],
    });
    expect(oidcIdentity({ sub: "svc-9", name: "ops@example.com" }, config)).toHaveProperty(
      "denied",
    );
  });

  it("should refuse a token without a subject", () => {
    expect(oidcIdentity({ email: "ops@example.com", email_verified: true }, config)).toHaveProperty(
      "denied",
    );
  });
});

describe("single sign-on at start-up", () => {
  const production = {
    NODE_ENV: "production",
    NEXTAUTH_SECRET: "0123456789abcdef0123",
    OIDC_ISSUER: "https://id.example.com",
    OIDC_CLIENT_ID: "redrive",
    OIDC_CLIENT_SECRET: "secret",
  };

  it("should refuse to start in production when single sign-on has no allow-list", () => {
    const problems = productionAuthProblems(loadConfig(production));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain("OIDC_ALLOWED_DOMAINS");
    expect(problems[0]).toContain("OIDC_ALLOWED_GROUPS");
    expect(problems[0]).toContain("OIDC_ADMIN_EMAILS");
  });

  it("should start when any one allow-list is set", () => {
    for (const name of [
      "OIDC_ALLOWED_DOMAINS",
      "OIDC_ALLOWED_GROUPS",
      "OIDC_ADMIN_EMAILS",
      "OIDC_ADMIN_GROUPS",
    ]) {
      expect(productionAuthProblems(loadConfig({ ...production, [name]: "x" }))).toEqual([]);
    }
  });

  it("should reject a domain list entry when it holds an @", () => {
    expect(() => loadConfig({ OIDC_ALLOWED_DOMAINS: "example.com,@corp.com" })).toThrow(
      ConfigError,
    );
  });
});
