import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { useApp } from "../helpers/app";

const app = useApp();

/** Every route file under `dir` with the methods it exports. */
function routesUnder(dir: string): { path: string; method: string }[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return routesUnder(full);
    if (name !== "route.ts") return [];
    const template = `/${relative("app", dir)}`
      .replace("[queue]", "document")
      .replace("[index]", "0");
    // A [mode] route is the requeue route and the delete route.
    const paths = template.includes("[mode]")
      ? ["requeue", "delete"].map((mode) => template.replace("[mode]", mode))
      : [template];
    const methods = [
      ...readFileSync(full, "utf8").matchAll(/export const (GET|POST|PUT|PATCH|DELETE)\b/g),
    ].map((m) => m[1]!);
    return paths.flatMap((path) => methods.map((method) => ({ path, method })));
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
