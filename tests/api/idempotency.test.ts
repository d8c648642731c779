import { describe, expect, it } from "vitest";
import { toDlqEntry } from "@/lib/queues/message";
import { useApp } from "../helpers/app";
import { until } from "../helpers/until";
import { SCHEMA_VERSION } from "@/lib/schema/version";

/**
 * Idempotency-Key on admin mutations, against the real dashboard server: a
 * repeat gets the first answer, and a dashboard SIGKILLed mid-request leaves
 * every message moved whole or not at all, never twice, whatever the retry.
 * (A selection moves in atomic pages: a kill between two pages leaves the
 * first moved, and the retry moves the rest.)
 */
const app = useApp();
const stamp = {
  error: { type: "E", message: "m" },
  retryCount: 3,
  failedAt: new Date(),
  originalQueue: "audio",
};

async function fill(n: number): Promise<{ identity: string }[]> {
  const entries = Array.from({ length: n }, (_, i) =>
    toDlqEntry(Buffer.from(`{"id":"${i}","pad":"${"x".repeat(300)}"}`), stamp),
  );
  for (let i = 0; i < n; i += 500) await app.redis.lpush("audio_dlq", ...entries.slice(i, i + 500));
  return Array.from({ length: n }, (_, i) => ({ identity: `id:${i}` }));
}

function requeue(cookie: string, key: string | null, body: unknown) {
  return app.call("/api/admin/dlq/audio/requeue", {
    cookie,
    method: "POST",
    body: JSON.stringify(body),
    headers: key === null ? {} : { "idempotency-key": key },
  });
}

/** Every job id in the DLQ and the work list, and how many are there more than once. */
async function census(): Promise<{ total: number; duplicated: number }> {
  const raw = [
    ...(await app.redis.lrange("audio_dlq", 0, -1)),
    ...(await app.redis.lrange("audio_queue", 0, -1)),
  ];
  const ids = raw.map((r) => /"id":"(\d+)"/.exec(r)?.[1]);
  return { total: ids.length, duplicated: ids.length - new Set(ids).size };
}

describe("Idempotency-Key", () => {
  it("should answer a repeat with the first outcome and move nothing twice", async () => {
    const messages = await fill(3);
    const cookie = await app.login("admin");
    const first = await requeue(cookie, "k-1", { messages: messages.slice(0, 2) });
    expect(first.status).toBe(200);
    const firstBody = await first.json();
    // Someone puts the same payload back in the DLQ: only the key stops a second move.
    await app.redis.rpush("audio_dlq", ...(await app.redis.lrange("audio_queue", 0, -1)));
    const again = await requeue(cookie, "k-1", { messages: messages.slice(0, 2) });
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual(firstBody);
    expect(await app.redis.llen("audio_queue")).toBe(2);
    const audit = await app.redis.xrevrange("redrive:audit", "+", "-", "COUNT", 1);
    expect(JSON.parse(audit[0]![1][1]!).detail).toMatch(/replayed/);
  });

  it("should answer a repeat of a refused change with the same refusal", async () => {
    const cookie = await app.login("admin");
    const call = () =>
      app.call("/api/admin/dlq/audio/requeue/0", {
        cookie,
        method: "POST",
        body: JSON.stringify({ identity: "id:gone" }),
        headers: { "idempotency-key": "k-2" },
      });
    const first = await call();
    const second = await call();
    expect([first.status, second.status]).toEqual([409, 409]);
    expect(await second.json()).toEqual(await first.json());
  });

  it("should refuse a key reused with another body, a malformed key, and keep keys per user", async () => {
    const messages = await fill(2);
    const cookie = await app.login("admin");
    expect((await requeue(cookie, "k-3", { messages: [messages[0]] })).status).toBe(200);
    const reused = await requeue(cookie, "k-3", { messages: [messages[1]] });
    expect(reused.status).toBe(422);
    expect((await reused.json()).error.code).toBe("IDEMPOTENCY_KEY_REUSED");
    const bad = await requeue(cookie, "not a key!", { messages: [messages[1]] });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.code).toBe("INVALID_IDEMPOTENCY_KEY");
    expect(await app.redis.llen("audio_dlq")).toBe(1);
    // Without the header a change runs as it always did.
    expect((await requeue(cookie, null, { messages: [messages[1]] })).status).toBe(200);
  });

  it("should move each message once when the dashboard is SIGKILLed mid-request and the request is retried", async () => {
    for (const delayMs of [0, 15, 40]) {
      await app.redis.flushall();
      const messages = await fill(1000);
      const cookie = await app.login("admin");
      const key = `crash-${delayMs}`;
      const inFlight = requeue(cookie, key, { messages }).then(
        (r) => r.status,
        () => 0,
      );
      await new Promise((done) => setTimeout(done, delayMs));
      await app.killServer();
      const lost = await inFlight;
      await app.restartServer();
      const retry = await requeue(cookie, key, { messages });
      // Each message moves whole or not at all, a selection in atomic pages: after the
      // kill some pages may have moved, none twice; the retry answers, and never copies.
      expect([200, 409]).toContain(retry.status);
      if (retry.status === 409) expect((await retry.json()).error.code).toBe("IN_PROGRESS");
      expect(await census()).toEqual({ total: 1000, duplicated: 0 });
      if (lost === 200 || retry.status === 200) {
        expect(await app.redis.llen("audio_queue")).toBe(1000);
        continue;
      }
      // The dead request's claim lapses (30 s; here at once) and the same retry completes the
      // selection: what had moved comes back as missing, the rest moves, nothing twice.
      for (const claim of await app.redis.keys("redrive:idempotency:*")) await app.redis.del(claim);
      const last = await requeue(cookie, key, { messages });
      expect(last.status).toBe(200);
      const body = (await last.json()) as { moved: string[]; missing: string[] };
      expect(body.moved.length + body.missing.length).toBe(1000);
      expect(await app.redis.llen("audio_queue")).toBe(1000);
      expect(await census()).toEqual({ total: 1000, duplicated: 0 });
    }
  }, 60_000);
});

describe("GET /api/admin/redis and /api/health", () => {
  it("should name an evicting policy to a logged-in user and its code to anyone", async () => {
    await app.redis.config("SET", "maxmemory-policy", "allkeys-lru");
    try {
      const res = await app.call("/api/admin/redis", { cookie: await app.login("viewer") });
      expect(res.status).toBe(200);
      const body = await res.json();
      expect(body).toMatchObject({ evictionPolicy: "allkeys-lru" });
      expect(body.warnings[0].message).toMatch(/noeviction/);
      expect((await app.call("/api/admin/redis")).status).toBe(401);
      expect(await (await app.call("/api/health")).json()).toMatchObject({
        redisWarnings: ["EVICTION_POLICY"],
      });
    } finally {
      await app.redis.config("SET", "maxmemory-policy", "noeviction");
    }
  });

  it("should report the stored state's schema beside this release's, and a worker migrating it", async () => {
    const key = "redrive:schema";
    await app.redis.del(key);
    const cookie = await app.login("viewer");
    const before = await (await app.call("/api/admin/redis", { cookie })).json();
    expect(before.schema).toEqual({
      version: 1,
      knows: SCHEMA_VERSION,
      release: "",
      at: null,
      migrating: false,
      // No worker has run: the state waits for one of this release.
      awaitingWorker: true,
    });
    await app.redis.hset(key, "version", 1, "lock", "worker-1", "lockUntil", Date.now() + 60_000);
    // The answer is shared for a moment (lib/http/shared-read.ts): wait for a fresh one.
    await until(async () => {
      const body = await (await app.call("/api/admin/redis", { cookie })).json();
      return body.schema.migrating === true;
    }, "the migrating flag");
    await app.redis.del(key);
  });

  it("should answer a requeue refused at maxmemory with 503 REDIS_OOM and keep the entry", async () => {
    const messages = await fill(5);
    // Logging in writes a session: before Redis is full.
    const cookie = await app.login("admin");
    const used = Number(/used_memory:(\d+)/.exec(await app.redis.info("memory"))![1]);
    await app.redis.config("SET", "maxmemory", String(used - 100_000));
    try {
      const res = await requeue(cookie, null, { messages });
      expect(res.status).toBe(503);
      expect((await res.json()).error.code).toBe("REDIS_OOM");
      expect(await app.redis.llen("audio_dlq")).toBe(5);
    } finally {
      await app.redis.config("SET", "maxmemory", "0");
    }
  });
});

describe("npm start killed with SIGKILL", () => {
  it("should take its server down with it, so that a restart gets the port", async () => {
    await app.killServer("launcher");
    const deadline = Date.now() + 5_000;
    let answering = true;
    while (answering && Date.now() < deadline) {
      answering = await fetch(`${app.url}/api/health`).then(
        () => true,
        () => false,
      );
      if (answering) await new Promise((done) => setTimeout(done, 200));
    }
    expect(answering).toBe(false);
    await app.restartServer();
    expect((await app.call("/api/health")).status).toBe(200);
  });
});
