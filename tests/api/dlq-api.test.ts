import { describe, expect, it } from "vitest";
import { toDlqEntry } from "@/lib/queues/message";
import { postCredentials } from "@/scripts/http-client";
import { useApp } from "../helpers/app";
import { allKeys, qk } from "../helpers/cluster-mode";

const app = useApp();

const stamp = {
  error: { type: "TimeoutError", message: "read timed out" },
  retryCount: 3,
  failedAt: new Date(),
  originalQueue: "document",
};
const entry = (m: string) => toDlqEntry(Buffer.from(m), stamp);

describe("GET /api/health", () => {
  it("should answer without a session", async () => {
    const res = await app.call("/api/health");
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ status: "ok", redis: "up" });
    // Anyone may read it: it names no version (of Redrive, its worker or Redis).
    expect(JSON.stringify(body)).not.toMatch(/version/i);
  });
});

describe("GET /api/admin/dlq/stats", () => {
  it("should need a session", async () => {
    const res = await app.call("/api/admin/dlq/stats");
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({
      error: { code: "UNAUTHENTICATED", message: "Log in first" },
    });
  });

  it("should give every queue's counts and the worker status to a viewer", async () => {
    await app.redis.lpush(qk("document_dlq"), entry('{"id":"a"}'));
    const res = await app.call("/api/admin/dlq/stats", { cookie: await app.login("viewer") });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      queues: { queue: string; dlq: number }[];
      worker: { healthy: boolean };
    };
    expect(body.queues.map((q) => [q.queue, q.dlq])).toEqual([
      ["document", 1],
      ["audio", 0],
      ["video", 0],
      ["graph", 0],
    ]);
    expect(body.worker.healthy).toBe(false);
  });
});

describe("GET /api/admin/dlq/{queue}", () => {
  it("should page newest first and show foreign entries", async () => {
    await app.redis.lpush(
      qk("audio_dlq"),
      entry('{"id":"old"}'),
      "<script>alert(1)</script>",
      Buffer.from([0xff, 0xfe]),
    );
    const res = await app.call("/api/admin/dlq/audio?offset=0&limit=2", {
      cookie: await app.login("viewer"),
    });
    const body = (await res.json()) as {
      total: number;
      messages: { raw: string; isJson: boolean; identity: string }[];
    };
    expect(body.total).toBe(3);
    expect(body.messages.map((m) => m.isJson)).toEqual([false, false]);
    expect(body.messages[1]!.raw).toBe("<script>alert(1)</script>");
  });

  it("should filter by substring and say how far it looked", async () => {
    await app.redis.lpush(
      qk("audio_dlq"),
      ...Array.from({ length: 30 }, (_, i) =>
        entry(`{"id":"m${i}","kind":"${i % 10 === 0 ? "needle" : "hay"}"}`),
      ),
    );
    const res = await app.call("/api/admin/dlq/audio?q=NEEDLE&limit=2", {
      cookie: await app.login("viewer"),
    });
    const body = (await res.json()) as {
      messages: { identity: string }[];
      filter: { scanned: number; complete: boolean; nextOffset: number };
    };
    expect(body.messages.map((m) => m.identity)).toEqual(["id:m20", "id:m10"]);
    expect(body.filter).toMatchObject({ scanned: 20, complete: false, nextOffset: 20 });
  });

  it("should refuse bad offsets and limits with 400", async () => {
    const cookie = await app.login("viewer");
    for (const q of ["offset=-1", "limit=0", "limit=201", "offset=abc"]) {
      const res = await app.call(`/api/admin/dlq/document?${q}`, { cookie });
      expect(res.status, q).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("INVALID");
    }
  });

  it("should answer 404 for names that are not configured queues and touch no key", async () => {
    const cookie = await app.login("admin");
    await app.redis.set("user:1", "secret");
    const before = (await allKeys(app.redis)).sort();
    for (const name of ["..%2F", "*", "user:1", qk("document_dlq"), "x".repeat(10_000), "%00"]) {
      for (const [path, method] of [
        [`/api/admin/dlq/${name}`, "GET"],
        [`/api/admin/dlq/${name}/requeue/0`, "POST"],
      ] as const) {
        const res = await app.call(path, {
          cookie,
          method,
          body: method === "POST" ? JSON.stringify({ identity: "h:x" }) : undefined,
        });
        expect([404, 414, 431], `${method} ${path.slice(0, 60)}`).toContain(res.status);
      }
    }
    const after = (await allKeys(app.redis)).filter((k) => k !== "redrive:audit").sort();
    expect(after).toEqual(before);
  });
});

describe("POST /api/admin/dlq/{queue}/requeue/{index}", () => {
  it("should requeue the message the admin saw and audit it", async () => {
    await app.redis.lpush(
      qk("document_dlq"),
      entry('{"id":"a","retry_count":3}'),
      entry('{"id":"b"}'),
    );
    const cookie = await app.login("admin");
    const res = await app.call("/api/admin/dlq/document/requeue/1", {
      cookie,
      method: "POST",
      body: JSON.stringify({ identity: "id:a" }),
    });
    expect(res.status).toBe(200);
    expect(await app.redis.lrange(qk("document_queue"), 0, -1)).toEqual([
      '{"id":"a","retry_count":0}',
    ]);
    const audit = await app.redis.xrevrange("redrive:audit", "+", "-", "COUNT", 1);
    expect(JSON.parse(audit[0]![1][1]!)).toMatchObject({
      user: "admin",
      action: "requeue",
      queue: "document",
      identities: ["id:a"],
      result: "ok",
    });
  });

  it("should answer 409 when the message is gone", async () => {
    await app.redis.lpush(qk("document_dlq"), entry('{"id":"b"}'));
    const res = await app.call("/api/admin/dlq/document/requeue/0", {
      cookie: await app.login("admin"),
      method: "POST",
      body: JSON.stringify({ identity: "id:gone" }),
    });
    expect(res.status).toBe(409);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("CONFLICT");
    expect(await app.redis.llen(qk("document_dlq"))).toBe(1);
  });

  it("should refuse a viewer, a cross-site request and a body that is not JSON", async () => {
    await app.redis.lpush(qk("document_dlq"), entry('{"id":"a"}'));
    const body = JSON.stringify({ identity: "id:a" });
    const viewer = await app.call("/api/admin/dlq/document/requeue/0", {
      cookie: await app.login("viewer"),
      method: "POST",
      body,
    });
    expect(viewer.status).toBe(403);
    const admin = await app.login("admin");
    const crossSite = await app.call("/api/admin/dlq/document/requeue/0", {
      cookie: admin,
      method: "POST",
      body,
      headers: { origin: "https://evil.example", "sec-fetch-site": "cross-site" },
    });
    expect(crossSite.status).toBe(403);
    const form = await app.call("/api/admin/dlq/document/requeue/0", {
      cookie: admin,
      method: "POST",
      body: "identity=id:a",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(form.status).toBe(415);
    const badIndex = await app.call("/api/admin/dlq/document/requeue/-1", {
      cookie: admin,
      method: "POST",
      body,
    });
    expect(badIndex.status).toBe(400);
    expect(await app.redis.llen(qk("document_dlq"))).toBe(1);
  });
});

describe("login", () => {
  it("should throttle after five failures with 429 and Retry-After", async () => {
    const tries: number[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await postCredentials(app.url, "admin", "wrong");
      tries.push(res.status);
      if (res.status === 429) expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    }
    expect(tries.at(-1)).toBe(429);
    expect(tries.slice(0, 5)).not.toContain(429);
  });
});

describe("Redis outage", () => {
  it("should answer 503 while Redis is down and recover without a restart", async () => {
    const cookie = await app.login("viewer");
    await app.stopRedis();
    const down = await app.call("/api/admin/dlq/stats", { cookie });
    expect(down.status).toBe(503);
    expect(((await down.json()) as { error: { code: string } }).error.code).toBe(
      "REDIS_UNAVAILABLE",
    );
    expect((await app.call("/api/health")).status).toBe(503);
    // Liveness never asks Redis: an orchestrator does not restart a dashboard that rides it out.
    const live = await app.call("/api/health/live");
    expect(live.status).toBe(200);
    expect(await live.json()).toEqual({ status: "ok" });
    await app.startRedis();
    const deadline = Date.now() + 15_000;
    let status = 0;
    while (Date.now() < deadline && status !== 200) {
      status = (await app.call("/api/admin/dlq/stats", { cookie })).status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 250));
    }
    expect(status).toBe(200);
  }, 40_000);
});

describe("large entries", () => {
  it("should cut a large entry in lists and serve it whole by index and identity", async () => {
    const big = entry(JSON.stringify({ id: "big", blob: "x".repeat(300_000) }));
    await app.redis.lpush(qk("document_dlq"), big, entry('{"id":"small"}'));
    const cookie = await app.login("viewer");
    const page = (await (await app.call("/api/admin/dlq/document", { cookie })).json()) as {
      messages: {
        identity: string;
        raw: string;
        payload: unknown;
        truncated?: boolean;
        bytes: number;
      }[];
    };
    const [small, cut] = page.messages;
    expect(small!.truncated).toBeUndefined();
    expect(cut).toMatchObject({ identity: "id:big", truncated: true, payload: null });
    expect(cut!.raw.length).toBe(64 * 1024);
    expect(cut!.bytes).toBe(big.length);
    // Served whole even after it moved (a newer entry arrived in front of it).
    await app.redis.lpush(qk("document_dlq"), entry('{"id":"newer"}'));
    const res = await app.call("/api/admin/dlq/document/message/0?identity=id%3Abig", { cookie });
    expect(res.status).toBe(200);
    const whole = (await res.json()) as {
      message: { raw: string; index: number; truncated?: boolean };
    };
    expect(whole.message.raw).toBe(big.toString());
    expect(whole.message.index).toBe(2);
    const gone = await app.call("/api/admin/dlq/document/message/0?identity=id%3Anope", { cookie });
    expect(gone.status).toBe(404);
    const bad = await app.call("/api/admin/dlq/document/message/-1?identity=id%3Abig", { cookie });
    expect(bad.status).toBe(400);
  });

  it("should cut a huge error stack in lists, and keep the payload of a short entry", async () => {
    const withStack = toDlqEntry(Buffer.from('{"id":"s"}'), {
      ...stamp,
      error: { type: "E", message: "m".repeat(10_000), stack: "at x\n".repeat(50_000) },
    });
    await app.redis.lpush(qk("audio_dlq"), withStack);
    const cookie = await app.login("viewer");
    const page = (await (await app.call("/api/admin/dlq/audio", { cookie })).json()) as {
      messages: {
        errorStack: string;
        errorMessage: string;
        truncated?: boolean;
        payload: unknown;
      }[];
    };
    const [m] = page.messages;
    expect(m!.truncated).toBe(true);
    expect(m!.errorStack.length).toBe(64 * 1024);
    expect(m!.errorMessage.length).toBe(4096);
  });

  it("should answer 413 for one message above 16 MB and cut a large scheduled retry", async () => {
    const huge = JSON.stringify({ id: "huge", blob: "x".repeat(17 * 1024 * 1024) });
    await app.redis.lpush(qk("video_dlq"), huge);
    await app.redis.zadd(
      qk("video_retry"),
      1,
      JSON.stringify({ id: "r", blob: "y".repeat(2_000_000) }),
    );
    const cookie = await app.login("viewer");
    const res = await app.call("/api/admin/dlq/video/message/0?identity=id%3Ahuge", { cookie });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("TOO_LARGE");
    const retries = await app.call("/api/admin/retry/video", { cookie });
    const text = await retries.text();
    expect(text.length).toBeLessThan(200_000);
    const body = JSON.parse(text) as { retries: { identity: string; truncated?: boolean }[] };
    expect(body.retries[0]).toMatchObject({ identity: "id:r", truncated: true });
  });
});
