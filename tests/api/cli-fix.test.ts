import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { toDlqEntry } from "@/lib/queues/message";
import { useApp } from "../helpers/app";
import { cliRunner } from "../helpers/cli";
import { qk } from "../helpers/cluster-mode";

/** The command line's export and its requeue elsewhere with one field edited. */
const app = useApp({ REDRIVE_EXPORTERS: "token:exporter" });
const redrive = cliRunner(app);

const dead = (id: string) =>
  toDlqEntry(Buffer.from(`{"id": "${id}", "lang": "en"}`), {
    error: { type: "E", message: "m" },
    retryCount: 3,
    failedAt: new Date(),
    originalQueue: "document",
  });

async function token(name: string): Promise<string> {
  const res = await app.call("/api/admin/tokens", {
    cookie: await app.login("admin"),
    method: "POST",
    body: JSON.stringify({ name, role: "admin" }),
  });
  return ((await res.json()) as { token: string }).token;
}

describe("the redrive command line's export and fix", () => {
  it("should export a DLQ to a file as JSON Lines, and refuse a token not named an exporter", async () => {
    await app.redis.lpush(qk("document_dlq"), dead("x1"), dead("x2"));
    const dir = await mkdtemp(join(tmpdir(), "redrive-export-"));
    const file = join(dir, "out.jsonl");
    const run = await redrive(["dlq", "export", "document", "--out", file], {
      token: await token("exporter"),
    });
    expect(run.code, run.err).toBe(0);
    expect(run.err).toMatch(/^wrote \d+ bytes of document's dead letters to /);
    const lines = (await readFile(file, "utf8")).trimEnd().split("\n");
    expect(lines.map((l) => (JSON.parse(l) as { identity: string }).identity)).toEqual([
      "id:x1",
      "id:x2",
    ]);
    const refused = await redrive(["dlq", "export", "document"], { token: await token("other") });
    expect(refused.code).toBe(1);
    expect(refused.err).toContain("EXPORT_NOT_ALLOWED");
    expect(refused.out).toBe("");
  });

  it("should requeue to another queue with one field set", async () => {
    await app.redis.lpush(qk("document_dlq"), dead("y1"));
    const args = ["dlq", "requeue", "document", "0", "--to", "audio", "--set", 'lang="de"'];
    const run = await redrive(args, { token: await token("fixer") });
    expect(run.code, run.err).toBe(0);
    expect(run.out).toBe("requeued 1 of document's dead letters to audio\n");
    expect(await app.redis.lrange(qk("audio_queue"), 0, -1)).toEqual([
      '{"id": "y1", "lang": "de"}',
    ]);
    const bad = await redrive(["dlq", "requeue", "document", "0", "--set", "lang=de"], {
      token: await token("fixer2"),
    });
    expect(bad.code).toBe(2);
  });
});
