import { describe, expect, it } from "vitest";
import { tokensKey } from "@/lib/auth/tokens";
import { useApp } from "../helpers/app";
import { qk } from "../helpers/cluster-mode";

const app = useApp({ REDRIVE_METRICS_TOKEN: "scrape-secret-0123456789" });

interface Created {
  token: string;
  record: { id: string; name: string; lastUsedAt: number | null; expiresAt: number };
}

/** Creates a token from an admin's session. */
async function create(body: Record<string, unknown>): Promise<Created> {
  const cookie = await app.login("admin");
  const res = await app.call("/api/admin/tokens", {
    cookie,
    method: "POST",
    body: JSON.stringify(body),
  });
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as Created;
}

/** A request with the token only: no cookie, no Origin header, as a script sends it. */
function withToken(token: string, path: string, init: RequestInit = {}) {
  const headers = { authorization: `Bearer ${token}`, ...(init.headers ?? {}) };
  return fetch(app.url + path, { ...init, headers });
}

const post = (token: string, path: string, body: unknown, headers = {}) =>
  withToken(token, path, {
    method: "POST",
    body: JSON.stringify(body),
    headers: { "content-type": "application/json", ...headers },
  });

async function list(): Promise<Created["record"][]> {
  const cookie = await app.login("admin");
  const res = await app.call("/api/admin/tokens", { cookie });
  return ((await res.json()) as { tokens: Created["record"][] }).tokens;
}

/** Revokes a token from an admin's session, on the test's dashboard. */
async function revoke(id: string): Promise<void> {
  const cookie = await app.login("admin");
  const res = await app.call(`/api/admin/tokens/${id}/revoke`, {
    cookie,
    method: "POST",
    body: "{}",
  });
  expect(res.status).toBe(200);
}

describe("API tokens", () => {
  it("should act with a token until it is revoked, and keep only a hash of it", async () => {
    const { token, record } = await create({ name: "nightly requeue", role: "admin" });
    expect(token).toMatch(/^rdv_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    expect(
      JSON.stringify(await app.redis.hgetall(tokensKey({ REDRIVE_KEY_PREFIX: "redrive" }))),
    ).not.toContain(token.slice(-43));
    expect((await list())[0]).toMatchObject({ id: record.id, lastUsedAt: null });
    expect(JSON.stringify(await list())).not.toContain("hash");

    expect((await withToken(token, "/api/admin/dlq/stats")).status).toBe(200);
    expect((await list())[0]!.lastUsedAt).toBeGreaterThan(0);

    await revoke(record.id);
    const refused = await withToken(token, "/api/admin/dlq/stats");
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe(
      "INVALID_TOKEN",
    );
  });

  it("should refuse a revoked token at once on every dashboard instance", async () => {
    const { token, record } = await create({ name: "two instances", role: "viewer" });
    const other = await app.anotherServer();
    try {
      const read = (base: string) =>
        fetch(`${base}/api/admin/dlq/stats`, { headers: { authorization: `Bearer ${token}` } });
      expect((await read(other.url)).status).toBe(200);
      await revoke(record.id);
      // The very next request to the instance that did not revoke it.
      expect((await read(other.url)).status).toBe(401);
      expect((await read(app.url)).status).toBe(401);
    } finally {
      await other.stop();
    }
  });

  it("should refuse a token once it has expired", async () => {
    const { token, record } = await create({ name: "short", role: "viewer", expiresInDays: 1 });
    expect((await withToken(token, "/api/admin/overview")).status).toBe(200);
    const key = tokensKey({ REDRIVE_KEY_PREFIX: "redrive" });
    const stored = JSON.parse((await app.redis.hget(key, record.id))!) as { expiresAt: number };
    stored.expiresAt = Math.floor(Date.now() / 1000) - 1;
    await app.redis.hset(key, record.id, JSON.stringify(stored));
    expect((await withToken(token, "/api/admin/overview")).status).toBe(401);
  });

  it("should let an admin token change things without an Origin header, and a viewer token only read", async () => {
    await app.redis.lpush(qk("document_dlq"), '{"id":"a"}', '{"id":"b"}');
    const admin = await create({ name: "admin script", role: "admin" });
    const viewer = await create({ name: "viewer script", role: "viewer" });
    const body = { messages: [{ identity: "id:a" }] };
    expect((await post(viewer.token, "/api/admin/dlq/document/requeue", body)).status).toBe(403);
    expect((await withToken(viewer.token, "/api/admin/dlq/document")).status).toBe(200);
    // Not an ambient credential: a foreign Origin does not make it a forgery.
    const foreign = { origin: "https://elsewhere.example" };
    const res = await post(admin.token, "/api/admin/dlq/document/requeue", body, foreign);
    expect(res.status).toBe(200);
    expect(await app.redis.llen(qk("document_queue"))).toBe(1);
  });

  it("should audit a token's changes under its name and its creator", async () => {
    await app.redis.lpush(qk("audio_dlq"), '{"id":"x"}');
    const { token, record } = await create({ name: "runbook", role: "admin" });
    await post(token, "/api/admin/dlq/audio/delete", { messages: [{ identity: "id:x" }] });
    const cookie = await app.login("admin");
    const audit = (await (await app.call("/api/admin/audit", { cookie })).json()) as {
      entries: { user: string; action: string; token?: { id: string; createdBy: string } }[];
    };
    const entry = audit.entries.find((e) => e.user === "token:runbook")!;
    expect(entry).toMatchObject({ token: { id: record.id, createdBy: "admin" } });
    expect(audit.entries.find((e) => e.action === "create token")).toMatchObject({
      user: "admin",
    });
  });

  it("should limit a token to its queues", async () => {
    await app.redis.lpush(qk("video_dlq"), '{"id":"v"}');
    const { token } = await create({ name: "docs team", role: "admin", queues: ["doc*"] });
    expect((await withToken(token, "/api/admin/dlq/document")).status).toBe(200);
    const other = await post(token, "/api/admin/dlq/video/requeue", {
      messages: [{ identity: "id:v" }],
    });
    expect(other.status).toBe(404);
    expect(await app.redis.llen(qk("video_dlq"))).toBe(1);
    const overview = await (await withToken(token, "/api/admin/dlq/stats")).text();
    expect(overview).toContain('"document"');
    expect(overview).not.toContain('"video"');
    // Not a grant over every queue: neither the cache nor the metrics.
    expect((await withToken(token, "/api/admin/cache/stats")).status).toBe(403);
    expect((await withToken(token, "/api/metrics")).status).toBe(403);
  });

  it("should let a token over every queue read the metrics, beside the configured metrics token", async () => {
    const { token } = await create({ name: "prometheus", role: "viewer" });
    expect((await withToken(token, "/api/metrics")).status).toBe(200);
    expect((await withToken("scrape-secret-0123456789", "/api/metrics")).status).toBe(200);
    expect((await withToken("rdv_000000000000_" + "x".repeat(43), "/api/metrics")).status).toBe(
      401,
    );
  });

  it("should let an admin token list and revoke tokens but not create one nor act on a session", async () => {
    const { token } = await create({ name: "powerful", role: "admin" });
    const leaked = await create({ name: "leaked", role: "viewer" });
    const { token: viewer } = await create({ name: "reader", role: "viewer" });
    const listed = await withToken(token, "/api/admin/tokens");
    expect(listed.status).toBe(200);
    const body = await listed.text();
    expect(body).toContain('"leaked"');
    expect(body).not.toContain(leaked.token);
    expect((await withToken(viewer, "/api/admin/tokens")).status).toBe(403);
    const mint = await post(token, "/api/admin/tokens", { name: "another", role: "admin" });
    expect(mint.status).toBe(403);
    expect(((await mint.json()) as { error: { code: string } }).error.code).toBe(
      "TOKEN_NOT_ALLOWED",
    );
    expect((await post(viewer, `/api/admin/tokens/${leaked.record.id}/revoke`, {})).status).toBe(
      403,
    );
    expect((await post(token, `/api/admin/tokens/${leaked.record.id}/revoke`, {})).status).toBe(
      200,
    );
    expect((await withToken(leaked.token, "/api/admin/dlq/stats")).status).toBe(401);
    expect((await post(token, "/api/session/end-all", {})).status).toBe(403);
    expect((await list()).map((t) => t.name).sort()).toEqual(["powerful", "reader"]);
  });

  it("should accept a token only from the Authorization header", async () => {
    const { token } = await create({ name: "header only", role: "admin" });
    for (const query of ["token", "access_token", "bearer"]) {
      const res = await fetch(`${app.url}/api/admin/dlq/stats?${query}=${token}`);
      expect(res.status, query).toBe(401);
    }
    const asCookie = await fetch(`${app.url}/api/admin/dlq/stats`, {
      headers: { cookie: `next-auth.session-token=${token}; token=${token}` },
    });
    expect(asCookie.status).toBe(401);
    // One character changed (to one it is not: a random token ends in "A" one time in 64).
    const changed = token.slice(0, -1) + (token.endsWith("A") ? "B" : "A");
    expect((await withToken(changed, "/api/admin/dlq/stats")).status).toBe(401);
  });

  it("should refuse bad token requests with 400 and a taken name with 409", async () => {
    const cookie = await app.login("admin");
    const bad = [
      { name: "", role: "admin" },
      { name: "x", role: "owner" },
      { name: "x", role: "admin", expiresInDays: 366 },
      { name: "x", role: "admin", queues: ["Bad Name"] },
      { name: "<script>", role: "viewer" },
    ];
    for (const body of bad) {
      const res = await app.call("/api/admin/tokens", {
        cookie,
        method: "POST",
        body: JSON.stringify(body),
      });
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    await create({ name: "twice", role: "viewer" });
    const again = await app.call("/api/admin/tokens", {
      cookie,
      method: "POST",
      body: JSON.stringify({ name: "twice", role: "admin" }),
    });
    expect(again.status).toBe(409);
    const viewer = await app.login("viewer");
    const denied = await app.call("/api/admin/tokens", { cookie: viewer });
    expect(denied.status).toBe(403);
  });
});
