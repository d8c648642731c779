import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "@/lib/config";
import { tiers } from "@/lib/metrics/history";
import { useApp } from "../helpers/app";

// Roles per queue: "team" is admin of document and audio, "peek" a viewer of video only.
const app = useApp({}, { users: ["team:admin:document|aud*", "peek:viewer:video"] });

/** Every route file under `dir` with the methods it exports, `[queue]` being `queue`. */
function routesUnder(
  dir: string,
  queue = "document",
): { path: string; method: string; file: string }[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return routesUnder(full, queue);
    if (name !== "route.ts") return [];
    const template = `/${relative("app", dir)}`
      .replace("[queue]", queue)
      .replace("[index]", "0")
      .replace("[id]", "0123456789ab");
    // A [mode] route is the requeue route and the delete route.
    const paths = template.includes("[mode]")
      ? ["requeue", "delete"].map((mode) => template.replace("[mode]", mode))
      : [template];
    const methods = [
      ...readFileSync(full, "utf8").matchAll(/export const (GET|POST|PUT|PATCH|DELETE)\b/g),
    ].map((m) => m[1]!);
    return paths.flatMap((path) => methods.map((method) => ({ path, method, file: full })));
  });
}

const routes = routesUnder("app/api/admin");
// The routes that act on the caller's own session: any logged-in user, so no 403 to a viewer.
const sessionRoutes = routesUnder("app/api/session");

describe("every /api/admin route", () => {
  it("should be found by the walk", () => {
    expect(routes.length).toBeGreaterThan(10);
    expect(routes.filter((r) => r.method !== "GET").length).toBeGreaterThan(5);
  });

  // proxy.ts does not match /api: each route's own check is the gate this asserts.
  it("should answer 401 without a session", async () => {
    expect(sessionRoutes.length).toBeGreaterThan(1);
    for (const { path, method } of [...routes, ...sessionRoutes]) {
      const res = await app.call(path, { method, body: method === "GET" ? undefined : "{}" });
      expect(res.status, `${method} ${path}`).toBe(401);
    }
  });

  it("should answer 403 to a viewer on every mutation and change nothing", async () => {
    await app.redis.lpush("document_dlq", '{"id":"x"}');
    await app.redis.set("user:1", "cached");
    const cookie = await app.login("viewer");
    for (const { path, method } of routes.filter((r) => r.method !== "GET")) {
      const res = await app.call(path, {
        cookie,
        method,
        body: JSON.stringify({ identity: "id:x", messages: [{ identity: "id:x" }], all: true }),
      });
      expect(res.status, `${method} ${path}`).toBe(403);
    }
    expect(await app.redis.llen("document_dlq")).toBe(1);
    expect(await app.redis.get("user:1")).toBe("cached");
  });

  it("should refuse cross-site mutations from an admin", async () => {
    const cookie = await app.login("admin");
    for (const { path, method } of routes.filter((r) => r.method !== "GET")) {
      const res = await app.call(path, {
        cookie,
        method,
        body: "{}",
        headers: { origin: "https://evil.example" },
      });
      expect(res.status, `${method} ${path}`).toBe(403);
    }
  });
});

describe("the move routes' mode", () => {
  it("should answer 404 and move nothing when the path names a move other than requeue or delete", async () => {
    await app.redis.lpush("document_dlq", '{"id":"stay"}');
    const cookie = await app.login("admin");
    for (const mode of ["move", "Requeue", "toString", "__proto__", "undefined"]) {
      for (const [path, body] of [
        [`/api/admin/dlq/document/${mode}/0`, { identity: "id:stay" }],
        [`/api/admin/dlq/document/${mode}`, { messages: [{ identity: "id:stay" }] }],
        [`/api/admin/errors/document/${mode}`, { group: "0123456789ab" }],
      ] as const) {
        const res = await app.call(path, { cookie, method: "POST", body: JSON.stringify(body) });
        expect(res.status, path).toBe(404);
        expect(await res.json()).toEqual({
          error: { code: "NOT_FOUND", message: "No such API route" },
        });
      }
    }
    expect(await app.redis.llen("document_dlq")).toBe(1);
    expect(await app.redis.llen("document_queue")).toBe(0);
    // The audit log names no word a client made up.
    const actions = (await app.redis.xrange("redrive:audit", "-", "+")).map(
      ([, fields]) => (JSON.parse(fields[1]!) as { action: string }).action,
    );
    expect(new Set(actions)).toEqual(new Set(["move", "move selected", "move error group"]));
  });
});

describe("roles per queue", () => {
  const MUTATION_BODY = JSON.stringify({
    identity: "id:x",
    messages: [{ identity: "id:x" }],
    all: true,
    olderThanDays: 0,
    user: "admin",
  });
  const queueRoutes = (queue: string) =>
    routesUnder("app/api/admin", queue).filter((r) => r.file.includes("[queue]"));
  const otherRoutes = routes.filter((r) => !r.file.includes("[queue]"));
  // What a user of some queues may read although it names no queue of theirs.
  const LISTS = ["overview", "dlq/stats", "insights", "metrics", "audit", "redis", "find"].map(
    (p) => `/api/admin/${p}`,
  );

  it("should answer 404 on every route of a queue the user has no grant on, even after another user's shared answer", async () => {
    await app.redis.lpush("graph_dlq", '{"id":"x"}');
    const admin = await app.login("admin");
    const team = await app.login("team");
    for (const { path, method } of queueRoutes("graph")) {
      // An unscoped admin's answer, kept for those who accept one a minute old...
      const cache = { "cache-control": "max-age=60" };
      if (method === "GET") await app.call(path, { cookie: admin, headers: cache });
      // ...is never the answer to a user without the queue.
      const res = await app.call(path, {
        cookie: team,
        method,
        headers: method === "GET" ? cache : undefined,
        body: method === "GET" ? undefined : MUTATION_BODY,
      });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("UNKNOWN_QUEUE");
    }
    expect(await app.redis.llen("graph_dlq")).toBe(1);
  });

  it("should act with the user's role on each queue when they have a grant on it", async () => {
    await app.redis.lpush("video_dlq", '{"id":"v"}');
    await app.redis.lpush("document_dlq", '{"id":"d"}');
    const peek = await app.login("peek");
    for (const { path, method } of queueRoutes("video").filter((r) => r.method !== "GET")) {
      const res = await app.call(path, { cookie: peek, method, body: MUTATION_BODY });
      expect(res.status, `${method} ${path}`).toBe(403);
    }
    expect((await app.call("/api/admin/dlq/video", { cookie: peek })).status).toBe(200);
    const team = await app.login("team");
    const requeue = await app.call("/api/admin/dlq/document/requeue", {
      cookie: team,
      method: "POST",
      body: JSON.stringify({ messages: [{ identity: "id:d" }] }),
    });
    expect(requeue.status).toBe(200);
    expect(await app.redis.llen("document_dlq")).toBe(0);
    expect(await app.redis.llen("video_dlq")).toBe(1);
  });

  it("should answer 403 on every route of no queue that is not a list, to an admin of some queues", async () => {
    await app.redis.set("user:1", "cached");
    const team = await app.login("team");
    const global = otherRoutes.filter((r) => !LISTS.includes(r.path));
    expect(global.map((r) => r.path)).toEqual(
      expect.arrayContaining(["/api/admin/cache/stats", "/api/admin/sessions/end"]),
    );
    for (const { path, method } of [...global, { path: "/api/metrics", method: "GET" }]) {
      const body = method === "GET" ? undefined : MUTATION_BODY;
      const res = await app.call(path, { cookie: team, method, body });
      expect(res.status, `${method} ${path}`).toBe(403);
    }
    expect(await app.redis.get("user:1")).toBe("cached");
  });

  it("should list only the user's queues in every list when they have a grant on some", async () => {
    const admin = await app.login("admin");
    // An audited change on graph and one on document.
    for (const queue of ["graph", "document"]) {
      await app.call(`/api/admin/dlq/${queue}/purge`, {
        cookie: admin,
        method: "POST",
        body: JSON.stringify({ olderThanDays: 1 }),
      });
    }
    const team = await app.login("team");
    const names = async (path: string) => {
      const text = await (await app.call(path, { cookie: team })).text();
      return ["document", "audio", "video", "graph"].filter((q) => text.includes(`"${q}"`));
    };
    const lists = ["overview", "dlq/stats", "insights", "find?value=x"].map(
      (p) => `/api/admin/${p}`,
    );
    for (const path of lists) {
      expect(await names(path), path).toEqual(["document", "audio"]);
    }
    expect(await names("/api/admin/audit")).toEqual(["document"]);
    // Two history samples holding every queue: the charts get the user's queues only.
    const row = [0, 0, 0, 1, 0, 0, 0, 0];
    const q = Object.fromEntries(["document", "audio", "video", "graph"].map((n) => [n, row]));
    const now = Math.floor(Date.now() / 1000);
    for (const t of [now - 20, now - 10]) {
      const sample = { t, q, ks: [0, 0], c: [0, 0], m: [0, 0] };
      await app.redis.lpush(tiers(loadConfig({}))["1h"].key, JSON.stringify(sample));
    }
    expect(await names("/api/admin/metrics?window=1h")).toEqual(["document", "audio"]);
    expect((await app.call("/api/admin/redis", { cookie: team })).status).toBe(200);
    // The pages: a queue without a grant and the cache are not there; the frame lists theirs.
    // (The status is sent before the page is streamed, so the answer is the not-found page's text.)
    const page = async (path: string) => (await app.call(path, { cookie: team })).text();
    // The queue page's tabs are rendered for a queue of theirs only.
    expect(await page("/queues/graph")).not.toContain("graph views");
    expect(await page("/cache")).not.toContain(">Cache</h1>");
    const frame = await page("/queues/audio");
    expect(frame).toContain("audio views");
    const adminPage = async (path: string) => (await app.call(path, { cookie: admin })).text();
    expect(await adminPage("/queues/graph")).toContain("graph views");
    expect(await adminPage("/cache")).toContain(">Cache</h1>");
    expect(frame).toContain("/queues/document");
    expect(frame).not.toContain("/queues/graph");
  });
});
