import { describe, expect, it } from "vitest";
import { cookiesOf, postCredentials } from "@/scripts/http-client";
import { PASSWORD, useApp } from "../helpers/app";

/**
 * The login throttle against the production server. One proxy hop is trusted,
 * as behind nginx: the last X-Forwarded-For value is the address the proxy
 * saw, and anything before it is whatever the client wrote.
 */
const app = useApp({
  REDRIVE_TRUSTED_PROXIES: "1",
  LOGIN_MAX_CONCURRENT_HASHES: "1",
  LOGIN_MAX_FAILURES_PER_USER: "12",
});

/** X-Forwarded-For as our proxy would send it for a client at `address` that wrote `forged`. */
const from = (address: string, forged?: string) => ({
  "x-forwarded-for": forged ? `${forged}, ${address}` : address,
});

async function attempt(
  user: string,
  password: string,
  headers: Record<string, string>,
  more: { path?: string; cookies?: string[] } = {},
) {
  const res = await postCredentials(app.url, user, password, { headers, ...more });
  const loggedIn = cookiesOf(res).some((c) => /session-token=./.test(c));
  return { status: res.status, loggedIn, res };
}

describe("login throttle", () => {
  it("should block a locked-out client on every path spelling of the credentials callback", async () => {
    const client = from("203.0.113.10");
    for (let i = 0; i < 5; i++) expect((await attempt("admin", "wrong", client)).status).toBe(401);
    for (const path of [
      "/api/auth/callback/cr%65dentials",
      "/api/auth/callback/CREDENTIALS",
      "/api/auth//callback/credentials",
      "/api/auth/callback/credentials/",
    ]) {
      const res = await attempt("admin", PASSWORD, client, { path });
      expect(res.loggedIn, path).toBe(false);
    }
    const blocked = await attempt("admin", PASSWORD, client);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.res.headers.get("retry-after"))).toBeGreaterThan(800);
    expect(blocked.loggedIn).toBe(false);
  });

  it("should not give a fresh counter to a client that writes its own X-Forwarded-For", async () => {
    for (let i = 0; i < 5; i++)
      await attempt("viewer", "wrong", from("203.0.113.20", `10.0.0.${i}`));
    const res = await attempt("viewer", PASSWORD, from("203.0.113.20", "10.9.9.9"));
    expect(res.status).toBe(429);
  });

  it("should refuse all but the limit when thirty wrong passwords arrive at once", async () => {
    const client = from("203.0.113.30");
    const results = await Promise.all(
      Array.from({ length: 30 }, () => attempt("admin", "wrong", client)),
    );
    const tried = results.filter((r) => r.status === 401).length;
    expect(tried).toBeLessThanOrEqual(5);
    expect(results.filter((r) => r.status === 429 || r.status === 503)).toHaveLength(30 - tried);
  });

  it("should let the admin in when an attacker with only the user name fails from elsewhere", async () => {
    // Five failures naming admin, with the victim's address written as forwarded.
    for (let i = 0; i < 5; i++) await attempt("admin", "wrong", from("198.51.100.66", "192.0.2.7"));
    expect((await attempt("admin", PASSWORD, from("192.0.2.7"))).loggedIn).toBe(true);
  });

  it("should keep the admin's own browser working when the user name is attacked from many addresses", async () => {
    const first = await attempt("admin", PASSWORD, from("192.0.2.8"));
    const device = cookiesOf(first.res).find((c) => c.startsWith("redrive-device="));
    expect(device).toBeDefined();
    for (let i = 0; i < 15; i++) await attempt("admin", "wrong", from(`198.51.100.${i}`));
    // A browser never seen before is refused for a while (the per-user counter)...
    expect((await attempt("admin", PASSWORD, from("192.0.2.9"))).status).toBe(429);
    // ...the admin's own browser, from any address, is not.
    const own = await attempt("admin", PASSWORD, from("203.0.113.99"), { cookies: [device!] });
    expect(own.loggedIn).toBe(true);
    // A device cookie does not carry over to another user name.
    const other = await attempt("viewer", "wrong", from("203.0.113.99"), { cookies: [device!] });
    expect(other.status).toBe(401);
  });

  it("should answer 503 instead of queueing when more logins arrive than can be hashed", async () => {
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => attempt(`nobody${i}`, "wrong", from(`198.18.0.${i}`))),
    );
    expect(results.some((r) => r.status === 503)).toBe(true);
    expect(results.every((r) => r.status === 503 || r.status === 401)).toBe(true);
  });

  it("should keep answering other requests while passwords are being hashed", async () => {
    const flood = Promise.all(
      Array.from({ length: 12 }, (_, i) => attempt(`flood${i}`, "wrong", from(`198.19.0.${i}`))),
    );
    await new Promise((r) => setTimeout(r, 50));
    const started = performance.now();
    expect((await fetch(`${app.url}/api/health`)).status).toBe(200);
    expect(performance.now() - started).toBeLessThan(250);
    await flood;
  });

  it("should take as long for an unknown user name as for a real one", async () => {
    const timed = async (user: string, i: number) => {
      const started = performance.now();
      await attempt(user, "wrong", from(`198.20.0.${i}`));
      return performance.now() - started;
    };
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 5; i++) {
      known.push(await timed("admin", i));
      unknown.push(await timed(`ghost${i}`, i + 10));
    }
    // The users' hashes have cost 12; a cheaper dummy hash made unknown names 4x faster.
    expect(median(unknown) / median(known)).toBeGreaterThan(0.7);
  });

  it("should answer 503 and log nobody in while Redis is down, then work again by itself", async () => {
    await app.stopRedis();
    try {
      const down = await attempt("admin", PASSWORD, from("192.0.2.77"));
      expect(down.status).toBe(503);
      expect(down.loggedIn).toBe(false);
      expect(((await down.res.json()) as { error: { code: string } }).error.code).toBe(
        "REDIS_UNAVAILABLE",
      );
    } finally {
      await app.startRedis();
    }
    let loggedIn = false;
    for (let i = 0; i < 40 && !loggedIn; i++) {
      loggedIn = (await attempt("admin", PASSWORD, from("192.0.2.78"))).loggedIn;
      if (!loggedIn) await new Promise((r) => setTimeout(r, 250));
    }
    expect(loggedIn).toBe(true);
  }, 40_000);
});
