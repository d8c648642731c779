import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { toDlqEntry } from "@/lib/queues/message";
import { useApp } from "../helpers/app";
import { qk } from "../helpers/cluster-mode";

const app = useApp();

/** Runs `redrive …` as a user's shell would, with REDRIVE_URL and `token` in its environment. */
function redrive(
  args: string[],
  token?: string,
): Promise<{ code: number; out: string; err: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, REDRIVE_URL: app.url, NO_COLOR: "1" };
  delete env.REDRIVE_TOKEN;
  if (token) env.REDRIVE_TOKEN = token;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["scripts/redrive.mjs", ...args], { env });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.on("close", (code) => resolve({ code: code ?? -1, out, err }));
  });
}

async function token(role: "viewer" | "admin"): Promise<string> {
  const cookie = await app.login("admin");
  const res = await app.call("/api/admin/tokens", {
    cookie,
    method: "POST",
    body: JSON.stringify({ name: `cli ${role}`, role }),
  });
  return ((await res.json()) as { token: string }).token;
}

const stamp = (message: string) => ({
  error: { type: "TimeoutError", message },
  retryCount: 2,
  failedAt: new Date(),
  originalQueue: "document",
});

describe("the redrive command line", () => {
  it("should print every queue's lengths as a table, and as JSON with --json", async () => {
    await app.redis.lpush(qk("document_dlq"), toDlqEntry(Buffer.from('{"id":"a"}'), stamp("t")));
    const t = await token("viewer");
    const human = await redrive(["dlq", "stats"], t);
    expect(human.code, human.err).toBe(0);
    expect(human.out).toMatch(/^queue +work +processing +retry +due +dlq/);
    expect(human.out).toMatch(/\ndocument +0 +0 +0 +0 +1 /);
    const machine = await redrive(["dlq", "stats", "--json"], t);
    const parsed = JSON.parse(machine.out) as { queues: { queue: string; dlq: number }[] };
    expect(parsed.queues.find((q) => q.queue === "document")?.dlq).toBe(1);
  });

  it("should list dead letters and error groups of a queue", async () => {
    const entries = ["x1", "x2", "x3"].map((id) =>
      toDlqEntry(Buffer.from(`{"id":"${id}"}`), stamp(`timed out after 30 s on ${id}`)),
    );
    await app.redis.lpush(qk("document_dlq"), ...entries);
    const t = await token("viewer");
    const page = await redrive(["dlq", "list", "document", "--limit", "2", "--json"], t);
    expect(page.code, page.err).toBe(0);
    const parsed = JSON.parse(page.out) as { total: number; messages: { identity: string }[] };
    expect(parsed.total).toBe(3);
    expect(parsed.messages.map((m) => m.identity)).toEqual(["id:x3", "id:x2"]);
    const errors = await redrive(["errors", "document"], t);
    expect(errors.code, errors.err).toBe(0);
    expect(errors.out).toContain("TimeoutError");
    expect(errors.out).toContain("from 3 of 3 dead letters");
  });

  it("should exit 2 on a usage error, 1 on a refused token or an unknown queue, and 0 for --help", async () => {
    const noToken = await redrive(["dlq", "stats"]);
    expect(noToken.code).toBe(2);
    expect(noToken.err).toContain("REDRIVE_TOKEN");
    const bad = await redrive(["dlq", "stats"], "rdv_000000000000_" + "x".repeat(43));
    expect(bad.code).toBe(1);
    expect(bad.err).toContain("INVALID_TOKEN");
    const t = await token("viewer");
    const unknown = await redrive(["dlq", "list", "nope"], t);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain("UNKNOWN_QUEUE");
    expect((await redrive(["dlq", "frobnicate"], t)).code).toBe(2);
    const help = await redrive(["dlq", "--help"]);
    expect(help.code).toBe(0);
    expect(help.out).toContain("stats");
  });
});
