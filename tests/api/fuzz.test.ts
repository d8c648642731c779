import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { join, relative } from "node:path";
import fc from "fast-check";
import Redis from "ioredis";
import { describe, expect, it } from "vitest";
import { loadConfig } from "@/lib/config";
import { QueueEngine } from "@/lib/queues/engine";
import { READ_LIMITS } from "@/lib/queues/read";
import { defineScripts } from "@/lib/redis/scripts";
import type { EmbeddedRedis } from "@/scripts/embedded-redis";
import { useApp } from "../helpers/app";

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

const QUEUES = ["document", "audio", "video", "graph"];
const ACL_PASSWORD = "fuzz-password-fuzz-password";
/** Every key Redrive's default configuration touches, and nothing else. */
const ACL_KEYS = [
  ...QUEUES.flatMap((q) => [
    `${q}_queue`,
    `${q}_queue:processing`,
    `${q}_queue:processing:leases`,
    `${q}_retry`,
    `${q}_dlq`,
  ]),
  "dlq:metadata:*",
  "redrive:*",
  "user:*",
  "job:status:*",
  "doc:summary:*",
  "vector:search:*",
  "graph:*",
  "users:*",
];
// INFO is @dangerous, and both ioredis' ready check and the cache page need it.
const ACL_RULES = ["reset", "on", `>${ACL_PASSWORD}`, "resetchannels"]
  .concat(ACL_KEYS.map((k) => `~${k}`))
  .concat(["+@all", "-@dangerous", "+info"]);

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

// ---------------------------------------------------------------- routes

type Kind = "list" | "message" | "small" | "auth";
interface Route {
  template: string;
  method: string;
  kind: Kind;
  mutation: boolean;
}

function walk(dir: string): Route[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return walk(full);
    if (name !== "route.ts") return [];
    const template = `/${relative("app", dir)}`;
    const methods = [
      ...readFileSync(full, "utf8").matchAll(/export const (GET|POST|PUT|PATCH|DELETE)\b/g),
    ].map((m) => m[1]!);
    return methods.map((method) => ({
      template,
      method,
      mutation: method !== "GET",
      kind: (template.includes("/message/")
        ? "message"
        : /\/(dlq|retry)\/\[queue\]$/.test(template)
          ? "list"
          : "small") as Kind,
    }));
  });
}

const AUTH_ROUTES: Route[] = [
  ["/api/auth/csrf", "GET"],
  ["/api/auth/session", "GET"],
  ["/api/auth/session", "POST"],
  ["/api/auth/callback/credentials", "GET"],
  ["/api/auth/callback/credentials", "POST"],
].map(([template, method]) => ({
  template: template!,
  method: method!,
  kind: "auth",
  mutation: true,
}));

// Session routes and next-auth last: "sign out everywhere" ends the phase's session,
// and failed logins start the login throttle.
const ROUTES: Route[] = [...walk("app/api/admin"), ...walk("app/api/session"), ...AUTH_ROUTES];

const MB = 1024 * 1024;
/** The most a response may carry: lists cut entries at 64 KB, one message is whole up to 16 MB. */
const BOUND: Record<Kind, number> = {
  list: 2 * MB,
  message: READ_LIMITS.messageBytes + MB,
  small: 2 * MB,
  auth: 64 * 1024,
};
/** One listed entry: raw and payload cut at 64 KB each, the stack at 64 KB, metadata values at 4 KB. */
const LIST_ENTRY_BOUND = 256 * 1024;

// ---------------------------------------------------------------- generators

const big = (n: number) => "x".repeat(n);
const encoded = (s: string) => {
  try {
    return encodeURIComponent(s);
  } catch {
    return "bad%ZZ"; // a lone surrogate: send an invalid escape instead
  }
};

const queueSegment = fc.oneof(
  { weight: 10, arbitrary: fc.constantFrom(...QUEUES) },
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      "nope",
      "%2e%2e",
      "..%2F",
      "..%2F..%2Fother",
      "%2E",
      "document_dlq",
      "%7Bdocument%7D",
      "{document}",
      "*",
      "",
      "%00",
      "%",
      "%zz",
      "%E0%A4%A",
      "document%2F..",
      "DOCUMENT",
      "document%20",
      "__proto__",
      "constructor",
      "hasOwnProperty",
      "dlq:metadata:x",
      "other:secret",
      "app_queue",
      "%C3%A9t%C3%A9",
      "q".repeat(300),
    ),
  },
  { weight: 2, arbitrary: fc.string({ unit: "grapheme", maxLength: 40 }).map(encoded) },
  { weight: 1, arbitrary: fc.string({ minLength: 300, maxLength: 300 }).map(encoded) },
);

const indexSegment = fc.oneof(
  { weight: 3, arbitrary: fc.nat(40).map(String) },
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      "-1",
      "1e9",
      "1e10",
      "1.5",
      "NaN",
      "Infinity",
      "abc",
      "0x1",
      "99999999999999999999",
      "",
      "%2D1",
      "%201",
      "1%00",
      "%",
      "000000000001",
      "999999999",
      "1000000000",
    ),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 20 }).map(encoded) },
);

/** A move route's [mode]: mostly the two it serves, else words it must refuse with a 404. */
const modeSegment = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom("requeue", "delete") },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      "Requeue",
      "move",
      "purge",
      "message",
      "tasks",
      "%72equeue",
      "requeue%00",
      "delete%2F0",
      "toString",
      "__proto__",
      "",
    ),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 20 }).map(encoded) },
);

const QUERY_KEYS = [
  "offset",
  "limit",
  "q",
  "window",
  "before",
  "namespace",
  "minutes",
  "scan",
  "identity",
  "__proto__",
  "constructor",
  "toString",
];

const hostileValue = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      "0",
      "1",
      "50",
      "200",
      "201",
      "-1",
      "1.5",
      "1e9",
      "1e10",
      "NaN",
      "Infinity",
      "-Infinity",
      "99999999999999999999",
      "0x10",
      " 5",
      "",
      "1h",
      "24h",
      "7d",
      "30d",
      "user",
      "graph",
      "other",
      "__proto__",
      "1-0",
      "99999999999999999999-99999999999999999999",
      "0-0",
      "(a+)+$",
      ".*",
      "[",
      "\\",
      "a\0b",
      "é€𝄞",
      "<script>alert(1)</script>",
      "boom",
      "id:d-1",
      "1440",
      "1441",
      "100000",
      "100001",
    ),
  },
  { weight: 2, arbitrary: fc.string({ unit: "grapheme", maxLength: 60 }) },
  { weight: 1, arbitrary: fc.integer().map(String) },
  { weight: 1, arbitrary: fc.double().map(String) },
);

/** A raw query string: repeated keys, hostile values, at most one 10 KB value, broken escapes. */
const queryString = (identities: string[]) =>
  fc
    .tuple(
      fc.array(
        fc.oneof(
          fc.tuple(
            fc.oneof(fc.constantFrom(...QUERY_KEYS), fc.string({ maxLength: 10 })),
            hostileValue,
          ),
          fc.tuple(fc.constant("identity"), fc.constantFrom(...identities)),
        ),
        { maxLength: 5 },
      ),
      fc.option(fc.tuple(fc.constantFrom(...QUERY_KEYS), fc.constantFrom(10 * 1024, 200, 201)), {
        freq: 4,
      }),
      fc.option(
        fc.constantFrom("%", "%zz", "q=%E0%A4%A", "q=%00", "&&", "=", "==x", "+", "a=1;b=2"),
        {
          freq: 3,
        },
      ),
    )
    .map(([pairs, long, raw]) => {
      const parts = pairs.map(([k, v]) => `${encoded(k)}=${encoded(v)}`);
      if (long) parts.push(`${long[0]}=${big(long[1])}`);
      if (raw) parts.push(raw);
      return parts.length > 0 ? `?${parts.join("&")}` : "";
    });

/** Values of the fields the routes read, right and wrong. */
const fieldValue = (identities: string[]) =>
  fc.oneof(
    fc.constantFrom(...identities),
    fc.constantFrom(
      true,
      false,
      null,
      0,
      -1,
      1.5,
      1e308,
      "true",
      "requeue",
      "delete",
      "7",
      "",
      "ab",
      "0123456789ab",
      "zzzzzzzzzzzz",
      big(201),
      [],
      {},
      [null],
    ),
    fc.integer(),
    fc.string({ maxLength: 30 }),
    fc.jsonValue({ maxDepth: 2 }),
  );

function mutationBody(identities: string[]) {
  const target = fc.record(
    { identity: fieldValue(identities), index: fc.oneof(fc.nat(40), fieldValue(identities)) },
    { requiredKeys: [] },
  );
  const structured = fc.record(
    {
      identity: fieldValue(identities),
      messages: fc.oneof(fc.array(target, { maxLength: 20 }), fieldValue(identities)),
      group: fieldValue(identities),
      all: fieldValue(identities),
      rank: fc.oneof(fc.nat(10), fieldValue(identities)),
      kind: fc.oneof(fc.constantFrom("requeue", "delete"), fieldValue(identities)),
      ratePerSecond: fc.oneof(fc.nat(1000), fieldValue(identities)),
      olderThanDays: fc.oneof(fc.nat(30), fieldValue(identities)),
    },
    { requiredKeys: [] },
  );
  // Bodies a route accepts, so that mutations also succeed and move data.
  const identity = fc.constantFrom(...identities);
  const wellFormed = fc.oneof(
    fc.record({ identity }),
    fc.record({
      messages: fc.array(
        fc.record({ identity, index: fc.nat(12) }, { requiredKeys: ["identity"] }),
        {
          minLength: 1,
          maxLength: 5,
        },
      ),
    }),
    fc.constant({ all: true }),
    fc.record({ identity, rank: fc.nat(3) }),
    fc.record({ kind: fc.constantFrom("requeue", "delete"), ratePerSecond: fc.nat(100) }),
    fc.record({ olderThanDays: fc.nat(10) }),
    fc.record({ group: fc.stringMatching(/^[0-9a-f]{12}$/) }),
    fc.constant({}),
  );
  const json = fc.oneof(
    { weight: 4, arbitrary: wellFormed.map((v) => JSON.stringify(v)) },
    { weight: 6, arbitrary: structured.map((v) => JSON.stringify(v)) },
    { weight: 2, arbitrary: fc.json() },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom("[", '{"a":'), fc.integer({ min: 1, max: 100_000 }))
        .map(([open, n]) =>
          open === "["
            ? `${"[".repeat(n)}${"]".repeat(n)}`
            : `${'{"a":'.repeat(n)}1${"}".repeat(n)}`,
        ),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom(...identities), fc.integer({ min: 1, max: 20_000 }))
        .map(([identity, n]) =>
          JSON.stringify({ messages: Array.from({ length: n }, () => ({ identity })) }),
        ),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        "",
        "{",
        '{"a":}',
        "NaN",
        "\u0000",
        "\uFEFF{}",
        "[".repeat(10),
        "null",
        "{}",
        '{"__proto__":{"all":true}}',
        '{"constructor":{"prototype":{"admin":true}}}',
        `{"q":"${big(999_000)}"}`,
        `{"q":"${big(1_000_001)}"}`,
      ),
    },
  );
  const contentType = fc.oneof(
    { weight: 8, arbitrary: fc.constant("application/json") },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "application/json; charset=utf-16",
        "APPLICATION/JSON",
        "application/jsonx",
        "",
      ),
    },
  );
  return fc.record({ body: json, contentType });
}

function authBody(csrfToken: string) {
  const key = fc.constantFrom(
    "csrfToken",
    "username",
    "password",
    "json",
    "callbackUrl",
    "display",
    "redirect",
  );
  const value = fc.oneof(
    fc.constantFrom(
      csrfToken,
      "admin",
      "viewer",
      "nobody",
      "true",
      "false",
      "https://evil.example/",
      "javascript:alert(1)",
      "//evil.example",
      "/",
      "",
      big(4000),
      "a\0b",
    ),
    fc.string({ unit: "grapheme", maxLength: 40 }),
  );
  const form = fc
    .array(fc.tuple(fc.oneof(key, fc.string({ maxLength: 10 })), value), { maxLength: 6 })
    .map((pairs) => new URLSearchParams(pairs).toString());
  return fc.record({
    body: fc.oneof(
      { weight: 4, arbitrary: form },
      { weight: 1, arbitrary: fc.json().map((v) => String(v)) },
      { weight: 1, arbitrary: fc.constantFrom("", "%", "csrfToken=%zz", big(20_000)) },
    ),
    contentType: fc.constantFrom(
      "application/x-www-form-urlencoded",
      "application/x-www-form-urlencoded",
      "application/json",
      "text/plain",
      "",
    ),
  });
}

// ---------------------------------------------------------------- data

const config = loadConfig({ NODE_ENV: "test" });
let identities: string[] = ["id:d-1"];

const sha1 = (s: string) => createHash("sha1").update(s).digest("hex");

/** Whether the restricted user may touch a key: ACL_KEYS as globs ("*" only at the end). */
function insidePatterns(key: string): boolean {
  return ACL_KEYS.some((p) => (p.endsWith("*") ? key.startsWith(p.slice(0, -1)) : key === p));
}

/** Empties Redrive's data (sessions, throttle and audit kept) and writes the fixtures again. */
async function seed(redis: Redis): Promise<void> {
  const keys = await allKeys(redis);
  const drop = keys.filter(
    (k) =>
      insidePatterns(k) &&
      !k.startsWith("redrive:session:") &&
      !k.startsWith("redrive:{login}:") &&
      !k.startsWith("redrive:audit"),
  );
  if (drop.length > 0) await redis.del(...drop);
  const engine = new QueueEngine(redis, config);
  const ids: string[] = [];
  for (const q of ["document", "audio"]) {
    for (let i = 0; i < 4; i++) {
      await engine.pushToDlq(
        q,
        { id: `${q[0]}-${i}`, job_id: `j${i}`, filename: `f${i}.pdf` },
        new Error(i % 2 ? `timeout after ${i}s` : `codec ${i} unsupported`),
        3,
      );
      ids.push(`id:${q[0]}-${i}`);
    }
    // What the Python backend writes: the entry, and its details in a metadata hash.
    const python = JSON.stringify({ job_id: `py-${q}`, filename: "a.wav", error: "boom" });
    await redis.lpush(`${q}_dlq`, python);
    await redis.hset(`dlq:metadata:py-${q}:a.wav`, {
      error_type: "ValueError",
      error_message: "bad input",
      failed_at: String(Date.now() / 1000),
      retry_count: "3",
    });
    ids.push(`h:${sha1(python)}`);
    const notJson = `not json <b>at all</b> \u0000 ${q}`;
    await redis.lpush(`${q}_dlq`, notJson);
    ids.push(`h:${sha1(notJson)}`);
    const large = JSON.stringify({ job_id: `big-${q}`, filename: "big.bin", blob: big(200_000) });
    await redis.lpush(`${q}_dlq`, large);
    ids.push(`h:${sha1(large)}`);
  }
  await redis.lpush("video_dlq", "x");
  for (let i = 0; i < 3; i++) {
    await engine.pushToRetryQueue("document", { id: `r-${i}`, job_id: `rj${i}` }, 1);
    ids.push(`id:r-${i}`);
  }
  await redis.zadd("audio_retry", 1, JSON.stringify({ id: "r-big", blob: big(200_000) }));
  await redis.lpush("graph_queue", '{"id":"w-1"}');
  await redis.set("user:1", '{"name":"a"}');
  await redis.set("job:status:j1", '"done"');
  await redis.set("doc:summary:d1", '"summary"');
  await redis.set("vector:search:abc:j1", "[]");
  await redis.set("graph:j1:abc", "{}");
  await redis.set("users:managers", "[]");
  identities = ids;
}

/** Keys of other applications in the same Redis: never read, never written. */
async function seedOutside(redis: Redis): Promise<void> {
  await redis.set("other:secret", "hunter2");
  await redis.lpush("app_queue", '{"id":"d-1"}', "x");
  await redis.lpush("document_dlq:copy", '{"id":"d-1"}');
  await redis.set("userdata:1", "{}");
  await redis.hset("dlq:meta", "a", "b");
}

async function allKeys(redis: Redis): Promise<string[]> {
  const keys: string[] = [];
  let cursor = "0";
  do {
    const [next, batch] = await redis.scan(cursor, "COUNT", 1000);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== "0");
  return keys.sort();
}

/** Every key with its serialized value. */
async function snapshot(
  redis: Redis,
  keep: (key: string) => boolean,
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const key of (await allKeys(redis)).filter(keep)) {
    const dumped = await redis.dumpBuffer(key);
    if (dumped) out.set(key, dumped.toString("base64"));
  }
  return out;
}

/** Keys denials and logins legitimately write, whoever sends them. */
function changedByAnyone(key: string): boolean {
  return (
    key.startsWith("redrive:{login}:") ||
    key.startsWith("redrive:session:") ||
    key.startsWith("redrive:audit:denied:") ||
    key === "redrive:audit:denials"
  );
}

async function aclLog(redis: Redis): Promise<unknown[]> {
  return (await redis.call("ACL", "LOG")) as unknown[];
}

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
    if (options.reseed) await seed(app.redis);
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
      await seed(app.redis);
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
