import { createHash } from "node:crypto";
import { request } from "node:http";
import { describe, expect, it } from "vitest";
import type { ExportLine } from "@/lib/queues/export";
import { toDlqEntry } from "@/lib/queues/message";
import { useApp } from "../helpers/app";
import { qk } from "../helpers/cluster-mode";

/** Export over HTTP: exact bytes and metadata, the selections, the permission, the audit. */
const app = useApp({ REDRIVE_EXPORTERS: "admin,reader" }, { users: ["reader:viewer:document"] });

const stamp = (message: string) => ({
  error: { type: "ValueError", message },
  retryCount: 3,
  failedAt: new Date(),
  originalQueue: "document",
});

type Line = ExportLine;

async function exported(path: string, user = "admin", init: RequestInit = {}) {
  const res = await app.call(path, { cookie: await app.login(user), ...init });
  const text = await res.text();
  const lines = text === "" ? [] : text.trimEnd().split("\n");
  return { res, text, lines: res.ok ? lines.map((l) => JSON.parse(l) as Line) : [], raw: lines };
}

describe("export", () => {
  it("should stream every entry oldest first with its exact bytes and metadata fields", async () => {
    const python = Buffer.from(
      '{"id": "p1", "job_id": "j1", "filename": "a.pdf", "n": 12345678901234567890, "t": "caf\\u00e9"}',
    );
    await app.redis.lpush(qk("document_dlq"), toDlqEntry(python, stamp("bad extension")));
    await app.redis.hset("dlq:metadata:j1:a.pdf", {
      job_id: "j1",
      filename: "a.pdf",
      error_type: "ValueError",
    });
    const pretty = '{\n  "id": "p2"\n}';
    const binary = Buffer.from([0x7b, 0xff, 0xfe, 0x7d]);
    await app.redis.lpush(qk("document_dlq"), pretty, binary);
    const { res, lines, raw } = await exported("/api/admin/dlq/document/export");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("application/x-ndjson");
    expect(res.headers.get("content-disposition")).toMatch(
      /^attachment; filename="document-dlq-.*\.jsonl"$/,
    );
    expect(lines.map((l) => l.identity)).toEqual([
      "id:p1",
      "id:p2",
      `h:${createHash("sha1").update(binary).digest("hex")}`,
    ]);
    // The stored bytes themselves: the big integer and the escape as the backend wrote them.
    const stored = (await app.redis.lindexBuffer(qk("document_dlq"), -1))!;
    expect(raw[0]).toContain(`"entry":${stored.toString()}`);
    expect(lines[0]!.sha1).toBe(createHash("sha1").update(stored).digest("hex"));
    expect(lines[0]!.metadata).toMatchObject({ job_id: "j1", error_type: "ValueError" });
    expect(lines[1]!.entry_text).toBe(pretty);
    expect(Buffer.from(lines[2]!.entry_base64!, "base64").equals(binary)).toBe(true);
  });

  it("should export a filter's matches, an error group, or a selection, and audit each", async () => {
    const e = (id: string, message: string) =>
      toDlqEntry(Buffer.from(`{"id":"${id}"}`), stamp(message));
    await app.redis.lpush(
      qk("document_dlq"),
      e("a", "timeout"),
      e("b", "bad input"),
      e("c", "timeout"),
    );
    const filter = await exported("/api/admin/dlq/document/export?q=%22b%22");
    expect(filter.lines.map((l) => l.identity)).toEqual(["id:b"]);
    const groups = await app.call("/api/admin/errors/document", {
      cookie: await app.login("admin"),
    });
    const { groups: list } = (await groups.json()) as { groups: { id: string; example: string }[] };
    const timeout = list.find((g) => g.example === "timeout")!;
    const group = await exported(`/api/admin/dlq/document/export?group=${timeout.id}`);
    expect(group.lines.map((l) => l.identity)).toEqual(["id:a", "id:c"]);
    const selection = await exported("/api/admin/dlq/document/export", "admin", {
      method: "POST",
      body: JSON.stringify({ messages: [{ identity: "id:c" }] }),
    });
    expect(selection.lines.map((l) => l.identity)).toEqual(["id:c"]);
    const audit = await app.call("/api/admin/audit?limit=3", { cookie: await app.login("admin") });
    const entries = ((await audit.json()) as { entries: { action: string; detail?: string }[] })
      .entries;
    expect(entries.map((x) => [x.action, x.detail])).toEqual([
      ["export", "selected 1"],
      ["export", `group ${timeout.id}`],
      ["export", 'filter "\\"b\\""'],
    ]);
  });

  it("should refuse a user not named in REDRIVE_EXPORTERS, audit the refusal, and let a named viewer export", async () => {
    await app.redis.lpush(qk("document_dlq"), toDlqEntry(Buffer.from('{"id":"x"}'), stamp("m")));
    const refused = await exported("/api/admin/dlq/document/export", "viewer");
    expect(refused.res.status).toBe(403);
    expect(JSON.parse(refused.text)).toMatchObject({ error: { code: "EXPORT_NOT_ALLOWED" } });
    expect(refused.text).not.toContain('"id":"x"');
    const denied = await app.call("/api/admin/audit/denied", { cookie: await app.login("admin") });
    expect(await denied.text()).toContain("export");
    const reader = await exported("/api/admin/dlq/document/export", "reader");
    expect(reader.lines.map((l) => l.identity)).toEqual(["id:x"]);
    // The reader has no grant on audio: it does not exist for them.
    expect((await exported("/api/admin/dlq/audio/export", "reader")).res.status).toBe(404);
  });

  it("should cut the download short, never end it as if whole, when Redis dies mid-export", async () => {
    const pad = "p".repeat(1000);
    for (let i = 0; i < 30_000; i += 1000) {
      const batch = Array.from({ length: 1000 }, (_, k) => `{"id":"k${i + k}","pad":"${pad}"}`);
      await app.redis.lpush(qk("video_dlq"), ...batch);
    }
    const cookie = await app.login("admin");
    try {
      const outcome = await new Promise<{ ended: boolean; bytes: number }>((resolve, reject) => {
        const url = new URL("/api/admin/dlq/video/export", app.url);
        const req = request(url, { headers: { cookie } }, (res) => {
          let bytes = 0;
          let stopped = false;
          res.on("data", (chunk: Buffer) => {
            bytes += chunk.length;
            if (stopped) return;
            stopped = true;
            // Read no further until Redis is gone: the server waits on the socket meanwhile.
            res.pause();
            void app.stopRedis().then(() => res.resume(), reject);
          });
          res.on("end", () => resolve({ ended: res.complete, bytes }));
          res.on("aborted", () => resolve({ ended: false, bytes }));
          res.on("error", () => resolve({ ended: false, bytes }));
        });
        req.on("error", reject);
        req.end();
      });
      expect(outcome.ended).toBe(false);
      expect(outcome.bytes).toBeLessThan(30_000 * 1000);
      expect(app.logged("export failed")).toHaveLength(1);
    } finally {
      await app.startRedis();
    }
  });
});
