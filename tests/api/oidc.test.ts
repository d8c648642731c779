import { afterAll, describe, expect, it } from "vitest";
import { auditKey } from "@/lib/audit/audit";
import { cookiesOf } from "@/scripts/http-client";
import { useApp } from "../helpers/app";
import { startOidcIssuer, type OidcUser } from "../helpers/oidc-issuer";

const issuer = await startOidcIssuer("redrive", "s3cret-value");
afterAll(() => issuer.close());

const app = useApp({
  OIDC_ISSUER: issuer.url,
  OIDC_CLIENT_ID: issuer.clientId,
  OIDC_CLIENT_SECRET: issuer.clientSecret,
  OIDC_ADMIN_EMAILS: "ops@example.com",
  OIDC_ALLOWED_DOMAINS: "example.com",
  OIDC_ALLOWED_GROUPS: "redrive-viewers",
});

interface SsoResult {
  /** The session cookie (`name=value`), when the login succeeded. */
  session: string | undefined;
  /** Where the browser ended up. */
  landed: URL;
}

/**
 * Logs in with single sign-on as a browser does: next-auth's sign-in POST, then
 * every redirect by hand (carrying the dashboard's cookies) through the issuer
 * and back to the callback, until a page answers.
 */
async function ssoLogin(user: OidcUser): Promise<SsoResult> {
  issuer.nextLogin(user);
  const jar = new Map<string, string>();
  const keep = (res: Response) => {
    for (const c of cookiesOf(res)) {
      const eq = c.indexOf("=");
      const value = c.slice(eq + 1);
      if (value) jar.set(c.slice(0, eq), value);
      else jar.delete(c.slice(0, eq));
    }
  };
  const cookie = () => [...jar].map(([name, value]) => `${name}=${value}`).join("; ");

  const csrf = await fetch(`${app.url}/api/auth/csrf`);
  keep(csrf);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const signin = await fetch(`${app.url}/api/auth/signin/oidc`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookie() },
    body: new URLSearchParams({ csrfToken, callbackUrl: `${app.url}/`, json: "true" }),
  });
  keep(signin);
  let next = new URL(((await signin.json()) as { url: string }).url);
  expect(next.origin).toBe(issuer.url);
  for (let hop = 0; hop < 10; hop++) {
    const ours = next.origin === app.url;
    const res = await fetch(next, {
      redirect: "manual",
      headers: ours ? { cookie: cookie() } : {},
    });
    if (ours) keep(res);
    const location = res.headers.get("location");
    if (res.status < 300 || res.status >= 400 || !location) {
      const token = jar.get("next-auth.session-token");
      return { session: token ? `next-auth.session-token=${token}` : undefined, landed: next };
    }
    next = new URL(location, next);
  }
  throw new Error(`too many redirects, last ${next.toString()}`);
}

async function expectRefused(result: SsoResult) {
  expect(result.session).toBeUndefined();
  expect(result.landed.pathname).toBe("/login");
  expect(result.landed.searchParams.get("error")).toBe("AccessDenied");
  const page = await (await app.call(`/login?error=AccessDenied`)).text();
  expect(page).toContain("Access refused");
}

const purge = (cookie: string) =>
  app.call("/api/admin/dlq/audio/purge", {
    cookie,
    method: "POST",
    body: JSON.stringify({ olderThanDays: 7 }),
  });

async function sessionUser(cookie: string) {
  const res = await app.call("/api/auth/session", { cookie });
  return ((await res.json()) as { user: { name: string; role: string } }).user;
}

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

  it("should refuse a user whose email is not verified even when listed as admin", async () => {
    await expectRefused(
      await ssoLogin({ sub: "u-1", email: "ops@example.com", email_verified: false, name: "Ops" }),
    );
    await expectRefused(await ssoLogin({ sub: "u-1", email: "ops@example.com", name: "Ops" }));
  });

  it("should refuse a user outside the allowed domains and groups", async () => {
    await expectRefused(
      await ssoLogin({
        sub: "u-2",
        email: "eve@elsewhere.org",
        email_verified: true,
        groups: ["staff"],
      }),
    );
  });

  it("should let in a user of an allowed group as viewer", async () => {
    const { session } = await ssoLogin({
      sub: "u-3",
      email: "pat@partner.org",
      email_verified: true,
      name: "Pat",
      groups: ["staff", "redrive-viewers"],
    });
    expect(session).toBeDefined();
    expect(await sessionUser(session!)).toMatchObject({ name: "pat@partner.org", role: "viewer" });
    expect((await app.call("/api/admin/dlq/stats", { cookie: session! })).status).toBe(200);
    expect((await purge(session!)).status).toBe(403);
  });

  it("should make an admin of a listed e-mail only when verified", async () => {
    await expectRefused(
      await ssoLogin({ sub: "u-4", email: "ops@example.com", email_verified: "false" }),
    );
    const admin = await ssoLogin({ sub: "u-4", email: "ops@example.com", email_verified: "true" });
    expect((await app.call("/api/admin/dlq/stats", { cookie: admin.session! })).status).toBe(200);
    expect((await purge(admin.session!)).status).toBe(200);
    // Same domain, not listed: allowed in by the domain, but only to look.
    const viewer = await ssoLogin({ sub: "u-5", email: "dev@example.com", email_verified: true });
    expect((await purge(viewer.session!)).status).toBe(403);
  });

  it("should record the verified e-mail (not the display name) in the audit log", async () => {
    const { session } = await ssoLogin({
      sub: "u-6",
      email: "Ops@Example.com",
      email_verified: true,
      name: "admin",
    });
    expect((await purge(session!)).status).toBe(200);
    const entries = await app.redis.xrevrange(
      auditKey({ REDRIVE_KEY_PREFIX: "redrive" }),
      "+",
      "-",
    );
    const users = entries.map(([, fields]) => (JSON.parse(fields[1]!) as { user: string }).user);
    expect(users).toEqual(["ops@example.com"]);
  });
});
