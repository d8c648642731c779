import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { auditDiffKey } from "@/lib/audit/diffs";
import { forRequeue, toDlqEntry } from "@/lib/queues/message";
import { useApp } from "../helpers/app";
import { qk } from "../helpers/cluster-mode";

/** Fix then requeue and route elsewhere over HTTP: the preview, the edit, its audit, the checks. */
const app = useApp({ REDRIVE_REDACT: "email" }, { users: ["docs:admin:document"] });

const sha1Of = (b: Buffer) => createHash("sha1").update(b).digest("hex");
const entry = (message: string) =>
  toDlqEntry(Buffer.from(message), {
    error: { type: "E", message: "bad extension" },
    retryCount: 3,
    failedAt: new Date(),
    originalQueue: "document",
  });

const post = async (path: string, body: unknown, user = "admin") =>
  app.call(path, { cookie: await app.login(user), method: "POST", body: JSON.stringify(body) });

interface Changes {
  changes: { path: string; before: string | null; after: string | null }[];
  more: number;
}

const MESSAGE =
  '{"id": "j1", "filename": "a.pdff", "email": "ann@example.com", "n": 12345678901234567890}';

describe("fix, then requeue", () => {
  it("should preview the diff, requeue only what changed, and audit the diff masked", async () => {
    const stored = entry(MESSAGE);
    await app.redis.lpush(qk("document_dlq"), stored);
    const text = forRequeue(stored)
      .toString()
      .replace("a.pdff", "a.pdf")
      .replace("ann@example.com", "bob@example.com");
    const edit = { sha1: sha1Of(stored), text };
    const preview = await post("/api/admin/dlq/document/edit-preview", {
      identity: "id:j1",
      index: 0,
      edit,
    });
    expect(preview.status).toBe(200);
    expect(((await preview.json()) as { sample: unknown[] }).sample).toEqual([
      { path: ["filename"], before: '"a.pdff"', after: '"a.pdf"' },
      { path: ["email"], before: '"ann@example.com"', after: '"bob@example.com"' },
    ]);
    const done = await post("/api/admin/dlq/document/requeue/0", { identity: "id:j1", edit });
    expect(done.status).toBe(200);
    expect(await app.redis.lrange(qk("document_queue"), 0, -1)).toEqual([text]);
    const audit = await app.call("/api/admin/audit?limit=1", { cookie: await app.login("viewer") });
    const [last] = ((await audit.json()) as { entries: { changes?: Changes; diff?: string }[] })
      .entries;
    expect(last!.changes).toEqual({
      changes: [
        { path: "filename", before: '"a.pdff"', after: '"a.pdf"' },
        { path: "email", before: '"[redacted]"', after: '"[redacted]"' },
      ],
      more: 0,
    });
    // Kept apart, for days rather than the audit's months; gone, the entry says so.
    const key = auditDiffKey({ REDRIVE_KEY_PREFIX: "redrive" }, last!.diff!);
    expect(await app.redis.ttl(key)).toBeGreaterThan(6 * 86_400);
    expect(await app.redis.ttl(key)).toBeLessThanOrEqual(7 * 86_400);
    await app.redis.del(key);
    const later = await app.call("/api/admin/audit?limit=1", { cookie: await app.login("admin") });
    expect(((await later.json()) as { entries: { changes?: unknown }[] }).entries[0]!.changes).toBe(
      null,
    );
  });

  it("should answer 409 and write nothing when the message changed since the editor opened", async () => {
    const opened = entry('{"id":"j2","v":1}');
    await app.redis.lpush(qk("document_dlq"), entry('{"id":"j2","v":1,"w":0}'));
    const text = '{"id":"j2","v":2}';
    const res = await post("/api/admin/dlq/document/requeue/0", {
      identity: "id:j2",
      edit: { sha1: sha1Of(opened), text },
    });
    expect(res.status).toBe(409);
    expect(await app.redis.llen(qk("document_dlq"))).toBe(1);
    expect(await app.redis.llen(qk("document_queue"))).toBe(0);
  });

  it("should refuse an edit that is not one JSON object, changes nothing, or comes with a delete", async () => {
    const stored = entry('{"id":"j3"}');
    await app.redis.lpush(qk("document_dlq"), stored);
    const sha1 = sha1Of(stored);
    const cases: [string, unknown, number, string][] = [
      ["requeue/0", { identity: "id:j3", edit: { sha1, text: "[1]" } }, 400, "INVALID"],
      ["requeue/0", { identity: "id:j3", edit: { sha1, text: '{"id":"j3"}' } }, 400, "NO_CHANGE"],
      ["delete/0", { identity: "id:j3", edit: { sha1, text: '{"id":"x"}' } }, 400, "INVALID"],
      ["delete/0", { identity: "id:j3", to: "audio" }, 400, "INVALID"],
      ["requeue", { messages: [{ identity: "id:j3" }], edit: { path: ["a"] } }, 400, "INVALID"],
      [
        "requeue",
        { messages: [{ identity: "id:j3" }], edit: { path: ["a"], set: "not json" } },
        400,
        "INVALID",
      ],
    ];
    for (const [path, body, status, code] of cases) {
      const res = await post(`/api/admin/dlq/document/${path}`, body);
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe(code);
    }
    expect(await app.redis.lrange(qk("document_dlq"), 0, -1)).toEqual([stored.toString()]);
  });
});

describe("route elsewhere", () => {
  it("should requeue a selection to another queue, saying from where to where in the audit", async () => {
    await app.redis.lpush(qk("document_dlq"), entry('{"id":"r1"}'), entry('{"id":"r2"}'));
    const res = await post("/api/admin/dlq/document/requeue", {
      messages: [{ identity: "id:r1" }, { identity: "id:r2" }],
      to: "audio",
    });
    expect(res.status).toBe(200);
    expect((await app.redis.lrange(qk("audio_queue"), 0, -1)).sort()).toEqual([
      '{"id":"r1"}',
      '{"id":"r2"}',
    ]);
    const audit = await app.call("/api/admin/audit?limit=1", { cookie: await app.login("admin") });
    const [last] = ((await audit.json()) as { entries: { detail?: string }[] }).entries;
    expect(last!.detail).toBe("from document to audio");
  });

  it("should refuse a queue the admin cannot see and the message's own queue, moving nothing", async () => {
    await app.redis.lpush(qk("document_dlq"), entry('{"id":"r3"}'));
    const hidden = await post(
      "/api/admin/dlq/document/requeue/0",
      { identity: "id:r3", to: "audio" },
      "docs",
    );
    expect(hidden.status).toBe(404);
    const own = await post("/api/admin/dlq/document/requeue/0", {
      identity: "id:r3",
      to: "document",
    });
    expect(own.status).toBe(400);
    expect(await app.redis.llen(qk("document_dlq"))).toBe(1);
    expect(await app.redis.llen(qk("audio_queue"))).toBe(0);
  });

  it("should requeue an error group later, to another queue, with one field set", async () => {
    await app.redis.lpush(qk("document_dlq"), entry('{"id":"g1"}'), entry('{"id":"g2"}'));
    const groups = await app.call("/api/admin/errors/document", {
      cookie: await app.login("admin"),
    });
    const [group] = ((await groups.json()) as { groups: { id: string }[] }).groups;
    const edit = { path: ["lang"], set: '"de"' };
    const preview = await post("/api/admin/dlq/document/edit-preview", { group: group!.id, edit });
    expect(await preview.json()).toMatchObject({ total: 2, touched: 2 });
    const at = Math.floor(Date.now() / 1000) + 3600;
    const res = await post("/api/admin/errors/document/requeue", {
      group: group!.id,
      to: "video",
      at,
      edit,
    });
    expect(res.status).toBe(200);
    expect((await app.redis.zrange(qk("video_retry"), "0", "-1")).sort()).toEqual([
      '{"id":"g1","lang":"de"}',
      '{"id":"g2","lang":"de"}',
    ]);
    expect(await app.redis.zscore(qk("video_retry"), '{"id":"g1","lang":"de"}')).toBe(String(at));
  });
});
