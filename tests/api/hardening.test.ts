import { spawn } from "node:child_process";
import { request as httpRequest } from "node:http";
import { join } from "node:path";
import bcrypt from "bcrypt";
import { describe, expect, it } from "vitest";
import { freePort } from "@/scripts/embedded-redis";
import { useApp } from "../helpers/app";

/** Headers, bodies, redirects and start-up errors of the production server (npm start). */
const app = useApp();

const SECURITY_HEADERS = {
  "x-frame-options": "DENY",
  "x-content-type-options": "nosniff",
  "referrer-policy": "same-origin",
};

function expectSecurityHeaders(res: Response, what: string) {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
    expect(res.headers.get(name), `${what}: ${name}`).toBe(value);
  }
  const csp = res.headers.get("content-security-policy") ?? "";
  expect(csp, what).toMatch(/frame-ancestors 'none'/);
  expect(csp, what).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]{24}' 'strict-dynamic'/);
  expect(csp, what).not.toMatch(/unsafe-inline'[^;]*;.*script|script-src[^;]*unsafe/);
  expect(res.headers.get("strict-transport-security"), what).toBeNull(); // served over http
}

/** A raw HTTP request, for bodies fetch will not send (chunked, lying about their length). */
function raw(
  path: string,
  headers: Record<string, string>,
  body: string,
): Promise<{ status: number; text: string }> {
  const url = new URL(path, app.url);
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: "POST", headers }, (res) => {
      let text = "";
      res.on("data", (d: Buffer) => (text += d.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

describe("security headers", () => {
  it("should be on every page, API answer, static file and error page", async () => {
    const cookie = await app.login("viewer");
    const login = await app.call("/login");
    const page = await login.text();
    const script = /src="(\/_next\/static\/[^"]+\.js)"/.exec(page)![1]!;
    const responses: [string, Response][] = [
      ["login page", login],
      ["overview", await app.call("/", { cookie })],
      ["health", await app.call("/api/health")],
      ["401", await app.call("/api/admin/dlq/stats")],
      ["API read", await app.call("/api/admin/dlq/stats", { cookie })],
      ["static script", await app.call(script)],
      ["404", await app.call("/no/such/page", { cookie })],
    ];
    for (const [what, res] of responses) expectSecurityHeaders(res, what);
  });

  it("should give each page a fresh nonce that its scripts carry", async () => {
    const a = await app.call("/login");
    const b = await app.call("/login");
    const nonceOf = (res: Response) =>
      /'nonce-([^']+)'/.exec(res.headers.get("content-security-policy")!)![1]!;
    expect(nonceOf(a)).not.toBe(nonceOf(b));
    const html = await a.text();
    const scripts = html.match(/<script\b[^>]*>/g) ?? [];
    expect(scripts.length).toBeGreaterThan(3);
    for (const tag of scripts) expect(tag).toContain(`nonce="${nonceOf(a)}"`);
  });
});

describe("request bodies", () => {
  it("should refuse an oversized login body before reading it", async () => {
    const res = await raw(
      "/api/auth/callback/credentials",
      { "content-type": "application/x-www-form-urlencoded", "content-length": "50000000" },
      "username=admin",
    );
    expect(res.status).toBe(413);
    expect(JSON.parse(res.text)).toMatchObject({ error: { code: "TOO_LARGE" } });
  });

  it("should refuse a body of unknown length", async () => {
    const res = await raw(
      "/api/admin/review/document",
      { "content-type": "application/json", "transfer-encoding": "chunked" },
      "{}",
    );
    expect(res.status).toBe(411);
  });

  it("should refuse an admin body over 1 MB and a JSON type named only in passing", async () => {
    const cookie = await app.login("admin");
    const big = await app.call("/api/admin/dlq/document/requeue", {
      cookie,
      method: "POST",
      body: JSON.stringify({ messages: [{ identity: "x".repeat(1_100_000) }] }),
    });
    expect(big.status).toBe(413);
    const sneaky = await app.call("/api/admin/review/document", {
      cookie,
      method: "POST",
      body: "{}",
      headers: { "content-type": "text/plain; note=application/json" },
    });
    expect(sneaky.status).toBe(415);
    expect(await app.redis.exists("redrive:review:document")).toBe(0);
  });
});

/** A GET of a path exactly as written (no URL parsing, so no dot-segment resolution). */
function rawGet(
  path: string,
  headers: Record<string, string>,
): Promise<{ status: number; text: string }> {
  const { hostname, port } = new URL(app.url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ hostname, port, path, headers }, (res) => {
      let text = "";
      res.on("data", (d: Buffer) => (text += d.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("request paths", () => {
  it("should answer 400 in the API's envelope when a path has a malformed percent escape", async () => {
    const cookie = await app.login("admin");
    for (const path of [
      "/api/admin/dlq/%zz",
      "/api/admin/dlq/%/message/0?identity=id:x",
      "/api/admin/retry/%E0%A4%A",
      "/queues/%zz",
      "/api/admin/dlq/%2e%2e/delete",
      "/api/admin/dlq/%2E/purge",
    ]) {
      // Sent as written: fetch would resolve %2e%2e itself.
      const res = await rawGet(path, { cookie });
      expect(res.status, path).toBe(400);
      expect(JSON.parse(res.text), path).toMatchObject({ error: { code: "INVALID_PATH" } });
    }
    // An escape that decodes is still the route's to judge.
    expect((await app.call("/api/admin/dlq/%64ocument", { cookie })).status).toBe(200);
  });
});

describe("unknown API paths and malformed login bodies", () => {
  it("should answer 404 in the API's envelope when no API route has the path", async () => {
    const cookie = await app.login("admin");
    for (const [path, method] of [
      ["/api/admin/nothing", "GET"],
      ["/api/nothing", "DELETE"],
      ["/api/admin/dlq/document/nothing", "POST"],
    ] as const) {
      const res = await app.call(path, {
        cookie,
        method,
        body: method === "GET" ? undefined : "{}",
      });
      expect(res.status, path).toBe(404);
      expect(await res.json(), path).toMatchObject({ error: { code: "NOT_FOUND" } });
    }
  });

  it("should answer a malformed callbackUrl and a GET of the credentials callback without a 500", async () => {
    const session = await fetch(`${app.url}/api/auth/signin?callbackUrl=a%20b`, {
      redirect: "manual",
    });
    expect(session.status).toBeLessThan(500);
    const form = await fetch(`${app.url}/api/auth/session`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "callbackUrl=%2Co_lle+",
    });
    expect(form.status).toBeLessThan(500);
    const callback = await fetch(`${app.url}/api/auth/callback/credentials`, {
      redirect: "manual",
    });
    expect(callback.status).toBe(405);
    expect(await callback.json()).toMatchObject({ error: { code: "METHOD_NOT_ALLOWED" } });
  });

  it("should answer 400 when a next-auth POST declares JSON but is not a JSON object", async () => {
    for (const path of ["/api/auth/session", "/api/auth/callback/credentials", "/api/auth/csrf"]) {
      for (const body of ["{", "csrfToken=x", "null", "[1]", '"x"']) {
        const res = await fetch(`${app.url}${path}`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body,
        });
        expect(res.status, `${path} ${body}`).toBe(400);
        expect(await res.json()).toMatchObject({ error: { code: "INVALID_JSON" } });
      }
    }
  });
});

describe("hostile DLQ text", () => {
  it("should group an error message built to backtrack without stalling the server", async () => {
    const cookie = await app.login("viewer");
    // Under the 2 000 characters grouping reads, so the trailing "g" is seen (1.4 s a message before).
    const message = `${"a1".repeat(990)}g`;
    for (let i = 0; i < 50; i++) {
      await app.redis.lpush(
        "document_dlq",
        JSON.stringify({ id: i, error: { type: "E", message } }),
      );
    }
    const started = performance.now();
    const groups = app.call("/api/admin/errors/document", { cookie });
    const health = await app.call("/api/health");
    expect(health.status).toBe(200);
    expect((await groups).status).toBe(200);
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});

describe("redirect after login", () => {
  it("should keep only same-origin paths as the place to go after login", async () => {
    const cases: [string, string][] = [
      ["/%5Cevil.example", "/"],
      ["/%09/evil.example", "/"],
      ["//evil.example", "/"],
      ["https://evil.example/", "/"],
      // A path that a browser would normalise into "//evil.example" stays a path here.
      ["/.//evil.example", "/evil.example"],
      [encodeURIComponent("/queues/document?q=x"), "/queues/document?q=x"],
    ];
    for (const [given, kept] of cases) {
      const html = await (await app.call(`/login?callbackUrl=${given}`)).text();
      expect(html, given).toContain(`\\"callbackUrl\\":\\"${kept}\\"`);
    }
  });
});

describe("client address", () => {
  it("should audit the socket's address, not one a client wrote", async () => {
    const cookie = await app.login("admin");
    const res = await app.call("/api/admin/review/document", {
      cookie,
      method: "POST",
      body: "{}",
      headers: { "x-forwarded-for": "6.6.6.6", "x-real-ip": "6.6.6.6" },
    });
    expect(res.status).toBe(200);
    const audit = (await (await app.call("/api/admin/audit", { cookie })).json()) as {
      entries: { ip: string }[];
    };
    expect(audit.entries[0]!.ip).toBe("127.0.0.1");
  });
});

/** A server process of its own (not the shared fixture): its output, its exit code, its port. */
async function startServer(bin: string[], env: Record<string, string>) {
  const port = await freePort();
  const child = spawn(process.execPath, [...bin, "-p", String(port), "-H", "127.0.0.1"], {
    env: { ...process.env, NODE_ENV: "production", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr.on("data", (d: Buffer) => (output += d.toString()));
  const exit = new Promise<number | null>((r) => child.on("exit", r));
  return { child, port, exit, output: () => output };
}

const START = ["scripts/start.mjs"];
const validEnv = () => ({
  REDIS_URL: app.server.url,
  NEXTAUTH_SECRET: "test-secret-test-secret-test-secret",
  REDRIVE_USERS: `ops:admin:${bcrypt.hashSync("x", 4)}`,
});

describe("start-up errors", () => {
  it("should name a bad variable without printing a secret or a URL's password", async () => {
    const server = await startServer(START, {
      REDIS_URL: "redis://:hunter2-redis@redis host:6379",
      NEXTAUTH_SECRET: "hunter2-short",
    });
    expect(await server.exit).toBe(1);
    expect(server.output()).toContain("REDIS_URL");
    expect(server.output()).toContain("NEXTAUTH_SECRET");
    expect(server.output()).not.toContain("hunter2");
  });

  it("should refuse to serve production through plain next start, without the front layer", async () => {
    const next = join("node_modules", "next", "dist", "bin", "next");
    const server = await startServer([next, "start"], validEnv());
    // Next runs the start-up check on the first request at the latest.
    const poke = setInterval(
      () => void fetch(`http://127.0.0.1:${server.port}/api/health`).catch(() => null),
      300,
    );
    const code = await server.exit;
    clearInterval(poke);
    expect(code).toBe(1);
    expect(server.output()).toContain("start the dashboard with npm start");
  });

  it("should send HSTS and upgrade requests when the public URL is https", async () => {
    const server = await startServer(START, {
      ...validEnv(),
      NEXTAUTH_URL: "https://redrive.example",
    });
    try {
      let res: Response | null = null;
      for (let i = 0; i < 100 && !res; i++) {
        res = await fetch(`http://127.0.0.1:${server.port}/api/health`).catch(() => null);
        if (!res) await new Promise((r) => setTimeout(r, 200));
      }
      expect(res?.headers.get("strict-transport-security")).toBe("max-age=31536000");
      expect(res?.headers.get("content-security-policy")).toContain("upgrade-insecure-requests");
    } finally {
      server.child.kill("SIGTERM");
    }
  });
});
