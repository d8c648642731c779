import { request as httpRequest } from "node:http";
import fc from "fast-check";
import Redis from "ioredis";
import { describe, expect, it } from "vitest";
import { defineScripts } from "@/lib/redis/scripts";
import type { EmbeddedRedis } from "@/scripts/embedded-redis";
import { useApp } from "../helpers/app";
import { ACL_PASSWORD, ACL_RULES } from "../helpers/fuzz/acl";
import { authBody, mutationBody } from "../helpers/fuzz/bodies";
import { indexSegment, modeSegment, queryString, queueSegment } from "../helpers/fuzz/paths";
import {
  aclLog,
  allKeys,
  changedByAnyone,
  insidePatterns,
  seed,
  seedOutside,
  snapshot,
} from "../helpers/fuzz/redis-state";
import { BOUND, LIST_ENTRY_BOUND, ROUTES, type Route } from "../helpers/fuzz/routes";

/**
 * Property-based fuzzing of every admin, session and auth route of the
 * production server, as anonymous, viewer and admin, against a Redis user that
 * may touch only Redrive's own keys (the least-privilege ACL the README
 * recommends). Every denied key or command is an ACL LOG entry, so an empty
 * log proves no request read or wrote anything else.
 *
 * FUZZ_SEED=<n> replays a run (the failure message names it); FUZZ_RUNS scales
 * the number of requests per route.
 */
const BASE_SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const RUNS = Number(process.env.FUZZ_RUNS ?? 25);

let identities: string[] = ["id:d-1"];

const app = useApp(
  {},
  {
    beforeStart: async (server: EmbeddedRedis) => {
      const admin = new Redis(server.url);
      await admin.call("ACL", "SETUSER", "fuzz", ...ACL_RULES);
      admin.disconnect();
    },
    redisUrl: (server) => `redis://fuzz:${ACL_PASSWORD}@127.0.0.1:${server.port}`,
  },
);

// ---------------------------------------------------------------- requests

type Role = "anonymous" | "viewer" | "admin";

interface Session {
  role: Role;
  cookie?: string;
  csrfCookie: string;
  csrfToken: string;
}

async function newSession(role: Role): Promise<Session> {
  // Fuzzed logins of an earlier phase may have started the throttle for these users.
  const redis = app.redis;
  const throttled = (await allKeys(redis)).filter((k) => k.startsWith("redrive:{login}:"));
  if (throttled.length > 0) await redis.del(...throttled);
  const csrf = await fetch(`${app.url}/api/auth/csrf`);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const csrfCookie = csrf.headers
    .getSetCookie()
    .map((c) => c.split(";")[0]!)
    .join("; ");
  const cookie = role === "anonymous" ? undefined : await app.login(role);
  return { role, cookie, csrfCookie, csrfToken };
}

const anonymousCookie = fc.constantFrom(
  undefined,
  "next-auth.session-token=garbage",
  "next-auth.session-token=",
  "next-auth.session-token=eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..x.y.z",
  "__proto__=1; next-auth.session-token=%zz",
);

interface Request {
  path: string;
  method: string;
  body?: string;
  contentType?: string;
  cookie?: string;
  origin?: string;
}

function requestFor(route: Route, session: Session): fc.Arbitrary<Request> {
  const path = fc
    .tuple(queueSegment, modeSegment, indexSegment, queryString(identities))
    .map(
      ([queue, mode, index, query]) =>
        route.template.replace("[queue]", queue).replace("[mode]", mode).replace("[index]", index) +
        query,
    );
  const cookie =
    session.role === "anonymous"
      ? anonymousCookie
      : fc.constantFrom(session.cookie, `${session.cookie}; ${session.csrfCookie}`);
  const origin = fc.oneof(
    { weight: 8, arbitrary: fc.constant(app.url) },
    { weight: 1, arbitrary: fc.constantFrom(undefined, "https://evil.example", "null", "%") },
  );
  const payload: fc.Arbitrary<{ body?: string; contentType?: string }> =
    route.kind === "auth"
      ? route.method === "GET"
        ? fc.constant({})
        : authBody(session.csrfToken)
      : route.mutation
        ? mutationBody(identities)
        : fc.constant({});
  return fc.record({ path, payload, cookie, origin }).map(({ path, payload, cookie, origin }) => ({
    path: route.kind === "auth" ? route.template + (path.split("?")[1] ? "?x" : "") : path,
    method: route.method,
    ...payload,
    cookie:
      route.kind === "auth" && cookie !== undefined
        ? `${cookie}; ${session.csrfCookie}`
        : (cookie ?? (route.kind === "auth" ? session.csrfCookie : undefined)),
    origin: route.mutation ? origin : undefined,
  }));
}

function describeRequest(r: Request): string {
  const body = r.body === undefined ? "" : ` body(${r.body.length})=${r.body.slice(0, 300)}`;
  return `${r.method} ${r.path.slice(0, 400)} [${r.contentType ?? "-"}] origin=${r.origin ?? "-"}${body}`;
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  bytes: Buffer;
}

/**
 * One request over node:http rather than fetch: a redirect may echo a 10 KB
 * query in its Location, past fetch's fixed 16 KB limit on response headers.
 */
function send(r: Request, headers: Record<string, string>, timeoutMs: number): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const body = r.body === undefined ? undefined : Buffer.from(r.body);
    if (body) headers["content-length"] = String(body.length);
    const { hostname, port } = new URL(app.url);
    // The path as generated, not normalised the way a URL parser would (`%2e%2e` stays).
    const req = httpRequest(
      {
        hostname,
        port,
        path: r.path,
        method: r.method,
        headers,
        maxHeaderSize: 256 * 1024,
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (d: Buffer) => chunks.push(d));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            bytes: Buffer.concat(chunks),
          }),
        );
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on("error", reject);
    req.end(body);
  });
}

/** Sends one request and checks every property that holds for any route and any input. */
async function check(route: Route, role: Role, r: Request): Promise<void> {
  const headers: Record<string, string> = {};
  if (r.cookie) headers.cookie = r.cookie;
  if (r.origin) headers.origin = r.origin;
  if (r.contentType) headers["content-type"] = r.contentType;
  const what = `${role}: ${describeRequest(r)}`;
  const started = Date.now();
  let answer: Answer;
  try {
    answer = await send(r, headers, 10_000);
  } catch (error) {
    throw new Error(`${what}: no answer after ${Date.now() - started} ms (${String(error)})`);
  }
  const { status, bytes } = answer;
  const key = `${role} ${route.method} ${route.template}`;
  tally.set(key, { ...tally.get(key), [status]: (tally.get(key)?.[status] ?? 0) + 1 });
  const text = () => bytes.subarray(0, 500).toString("utf8");
  expect(status, `${what}: ${text()}`).toBeLessThan(500);
  expect(bytes.byteLength, `${what}: response size`).toBeLessThanOrEqual(BOUND[route.kind]);
  if (route.kind !== "auth") {
    // Next's own answer to a method the route does not export (POST /api/admin/dlq/purge
    // reaches dlq/[queue]) has no body; it cannot be given one from a route handler.
    const nextMethodNotAllowed = status === 405 && bytes.length === 0;
    if (status >= 400 && !nextMethodNotAllowed) {
      expect(String(answer.headers["content-type"] ?? ""), `${what}: ${status}`).toMatch(
        /^application\/json/,
      );
      const body = JSON.parse(bytes.toString("utf8")) as {
        error?: { code?: unknown; message?: unknown };
      };
      expect(typeof body.error?.code, `${what}: ${text()}`).toBe("string");
      expect(typeof body.error?.message, `${what}: ${text()}`).toBe("string");
    }
    // Nothing succeeds without a session, and a viewer changes nothing.
    const succeeded = status >= 200 && status < 300;
    if (role === "anonymous") expect(succeeded, `${what}: ${status}`).toBe(false);
    if (role === "viewer" && route.mutation && route.template.startsWith("/api/admin/")) {
      expect(succeeded, `${what}: ${status}`).toBe(false);
    }
    if (route.kind === "list" && status === 200) {
      const body = JSON.parse(bytes.toString("utf8")) as {
        messages?: unknown[];
        retries?: unknown[];
      };
      for (const entry of [...(body.messages ?? []), ...(body.retries ?? [])]) {
        expect(JSON.stringify(entry).length, `${what}: one listed entry`).toBeLessThanOrEqual(
          LIST_ENTRY_BOUND,
        );
      }
    }
  }
  const log = await aclLog(app.redis);
  expect(log, `${what}: ACL LOG`).toEqual([]);
}

/** Statuses per role and route: FUZZ_VERBOSE=1 prints them, to see what a run reached. */
const tally = new Map<string, Record<number, number>>();

/** The server's error lines since `from`, for a failure's message. */
function serverErrors(from: number): string {
  return app
    .output()
    .slice(from)
    .split("\n")
    .filter((line) => /error|⨯/i.test(line) && !line.includes('"msg":"audit"'))
    .slice(-10)
    .map((line) => line.slice(0, 500))
    .join("\n");
}

async function fuzzRoutes(role: Role, options: { reseed: boolean }): Promise<void> {
  let session = await newSession(role);
  const logFrom = app.output().length;
  for (const [i, route] of ROUTES.entries()) {
    if (options.reseed) identities = await seed(app.redis);
    const runSeed = BASE_SEED + i;
    const runs = route.kind === "auth" && route.method === "POST" ? Math.ceil(RUNS / 2) : RUNS;
    const details = await fc.check(
      fc.asyncProperty(requestFor(route, session), (r) => check(route, role, r)),
      { numRuns: runs, seed: runSeed, endOnFailure: true },
    );
    if (details.failed) {
      // fast-check's own report repeats 10 KB inputs; the request's summary is enough.
      const reason =
        details.errorInstance instanceof Error
          ? details.errorInstance.message
          : String(details.errorInstance);
      throw new Error(
        `${role} ${route.method} ${route.template} failed (replay: FUZZ_SEED=${BASE_SEED}; ` +
          `seed ${details.seed}, path ${details.counterexamplePath}):\n${reason.slice(0, 3000)}` +
          `\nserver errors:\n${serverErrors(logFrom)}`,
      );
    }
    if (process.env.FUZZ_VERBOSE) {
      const key = `${role} ${route.method} ${route.template}`;
      console.log(key, JSON.stringify(tally.get(key)));
    }
    // "Sign out everywhere" ended the session: the next routes get a fresh one.
    if (route.template === "/api/session/end-all" && role !== "anonymous") {
      session = await newSession(role);
    }
  }
}

// ---------------------------------------------------------------- tests

describe("fuzzing every admin, session and auth route", () => {
  it("should find the admin routes, the session routes and next-auth's", () => {
    expect(ROUTES.filter((r) => r.template.startsWith("/api/admin/")).length).toBeGreaterThan(20);
    expect(ROUTES.filter((r) => r.template.startsWith("/api/session/")).length).toBe(2);
    expect(ROUTES.filter((r) => r.kind === "message").length).toBe(1);
  });

  for (const role of ["anonymous", "viewer"] as const) {
    it(`should never fail, overrun, hang or touch another key, and change nothing, when fuzzed as ${role}`, async () => {
      await seedOutside(app.redis);
      identities = await seed(app.redis);
      const outside = await snapshot(app.redis, (k) => !insidePatterns(k));
      const before = await snapshot(app.redis, (k) => insidePatterns(k) && !changedByAnyone(k));
      await fuzzRoutes(role, { reseed: false });
      expect(await aclLog(app.redis)).toEqual([]);
      expect(await snapshot(app.redis, (k) => !insidePatterns(k))).toEqual(outside);
      expect(await snapshot(app.redis, (k) => insidePatterns(k) && !changedByAnyone(k))).toEqual(
        before,
      );
    }, 150_000);
  }

  it("should never fail, overrun, hang or touch another key when fuzzed as admin", async () => {
    await seedOutside(app.redis);
    const outside = await snapshot(app.redis, (k) => !insidePatterns(k));
    await fuzzRoutes("admin", { reseed: true });
    expect(await aclLog(app.redis)).toEqual([]);
    expect(await snapshot(app.redis, (k) => !insidePatterns(k))).toEqual(outside);
  }, 150_000);

  it("should log a key outside Redrive's as an ACL violation", async () => {
    await app.redis.call("ACL", "LOG", "RESET");
    // The check above is only as good as the ACL: prove a stray key would show.
    const fuzz = new Redis(`redis://fuzz:${ACL_PASSWORD}@127.0.0.1:${app.server.port}`);
    defineScripts(fuzz);
    await expect(fuzz.get("other:secret")).rejects.toThrow(/NOPERM/);
    await expect(fuzz.exists("document_dlq")).resolves.toBe(0);
    expect((await aclLog(app.redis)).length).toBe(1);
    await app.redis.call("ACL", "LOG", "RESET");
    fuzz.disconnect();
  });
});
