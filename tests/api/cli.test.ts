import { describe, expect, it } from "vitest";
import { toDlqEntry } from "@/lib/queues/message";
import { useApp } from "../helpers/app";
import { cliRunner, newToken } from "../helpers/cli";
import { qk, setMany } from "../helpers/cluster-mode";

/** The `redrive` command line's reads, run as a child process against next start. */
const app = useApp();
const redrive = cliRunner(app);

const stamp = (message: string) => ({
  error: { type: "TimeoutError", message },
  retryCount: 2,
  failedAt: new Date(),
  originalQueue: "document",
});

const viewer = async () => (await newToken(app, "viewer")).token;

// Each test runs the command line several times: a child process each, slower on a busy machine.
describe("the redrive command line's reads", { timeout: 60_000 }, () => {
  it("should print every queue's lengths as a table, and as JSON with --json", async () => {
    await app.redis.lpush(qk("document_dlq"), toDlqEntry(Buffer.from('{"id":"a"}'), stamp("t")));
    const token = await viewer();
    const human = await redrive(["dlq", "stats"], { token });
    expect(human.code, human.err).toBe(0);
    expect(human.out).toMatch(/^queue +work +processing +retry +due +dlq/);
    expect(human.out).toMatch(/\ndocument +0 +0 +0 +0 +1 /);
    const machine = await redrive(["--json", "dlq", "stats"], { token });
    const parsed = JSON.parse(machine.out) as { queues: { queue: string; dlq: number }[] };
    expect(parsed.queues.find((q) => q.queue === "document")?.dlq).toBe(1);
  });

  it("should list dead letters and error groups of a queue", async () => {
    const entries = ["x1", "x2", "x3"].map((id) =>
      toDlqEntry(Buffer.from(`{"id":"${id}"}`), stamp(`timed out after 30 s on ${id}`)),
    );
    await app.redis.lpush(qk("document_dlq"), ...entries);
    const token = await viewer();
    const page = await redrive(["dlq", "list", "document", "--limit", "2", "--json"], { token });
    expect(page.code, page.err).toBe(0);
    const parsed = JSON.parse(page.out) as { total: number; messages: { identity: string }[] };
    expect(parsed.total).toBe(3);
    expect(parsed.messages.map((m) => m.identity)).toEqual(["id:x3", "id:x2"]);
    const filtered = await redrive(["dlq", "list", "document", "--filter", "x2"], { token });
    expect(filtered.out).toContain(
      '1 matching "x2" among 3 scanned of 3; the scan reached the end',
    );
    const errors = await redrive(["errors", "document"], { token });
    expect(errors.code, errors.err).toBe(0);
    expect(errors.out).toContain("TimeoutError");
    expect(errors.out).toContain("from 3 of 3 dead letters");
  });

  it("should show one dead letter whole, and its exact entry with --raw", async () => {
    // 2 MB: more than a pipe takes at once, so the process must not exit before stdout drains.
    const big = `{"id":"b","n":12345678901234567890,"pad":"${"p".repeat(2_000_000)}"}`;
    await app.redis.lpush(
      qk("document_dlq"),
      toDlqEntry(Buffer.from(big), stamp("slow")),
      toDlqEntry(Buffer.from('{"id":"a","user":{"name":"Ada"}}'), stamp("too slow")),
    );
    const token = await viewer();
    const shown = await redrive(["dlq", "show", "document", "0"], { token });
    expect(shown.code, shown.err).toBe(0);
    expect(shown.out).toMatch(/identity +id:a/);
    expect(shown.out).toMatch(/error +TimeoutError: too slow/);
    expect(shown.out).toContain('"user": {\n    "name": "Ada"\n  }');
    // Larger than a list shows, and with a number JSON.parse would round: exactly as stored.
    const raw = await redrive(["dlq", "show", "document", "1", "--raw"], { token });
    expect(raw.code, raw.err).toBe(0);
    expect(raw.out).toBe(`${await app.redis.lindex(qk("document_dlq"), 1)}\n`);
    expect(raw.out.startsWith(big.slice(0, -1))).toBe(true);
    expect(raw.out).toContain("12345678901234567890");
    expect(
      (await redrive(["dlq", "show", "document", "1", "--raw", "--json"], { token })).code,
    ).toBe(2);
    const missing = await redrive(["dlq", "show", "document", "7"], { token });
    expect(missing.code).toBe(1);
    expect(missing.err).toContain("no message at index 7");
  });

  it("should list scheduled retries, the cache, the tokens and the audit log", async () => {
    await app.redis.zadd(qk("video_retry"), Date.now() / 1000 + 600, '{"id":"later"}');
    await setMany(app.redis, ["user:1", "user:2"], "{}");
    const admin = await newToken(app, "admin");
    const retries = await redrive(["retry", "list", "video"], { token: admin.token });
    expect(retries.code, retries.err).toBe(0);
    expect(retries.out).toMatch(/\n +0 +id:later /);
    const cache = await redrive(["cache", "stats"], { token: admin.token });
    expect(cache.code, cache.err).toBe(0);
    expect(cache.out).toMatch(/\nuser +2 /);
    const tokens = await redrive(["tokens", "--json"], { token: admin.token });
    const listed = JSON.parse(tokens.out) as {
      tokens: { id: string; lastUsedAt: number | null }[];
    };
    expect(listed.tokens.find((t) => t.id === admin.id)?.lastUsedAt).not.toBeNull();
    expect(tokens.out).not.toContain(admin.token);
    const audit = await redrive(["audit", "--limit", "5"], { token: admin.token });
    expect(audit.code, audit.err).toBe(0);
    expect(audit.out).toMatch(/create token/);
    const noTokens = await redrive(["tokens"], { token: await viewer() });
    expect(noTokens.code).toBe(1);
    expect(noTokens.err).toContain("403");
  });

  it("should find where a job is now, and exit 3 when it is nowhere", async () => {
    await app.redis.lpush(qk("video_queue"), '{"job_id":"j-7"}');
    await app.redis.lpush(
      qk("document_dlq"),
      toDlqEntry(Buffer.from('{"job_id":"j-7"}'), stamp("gone")),
    );
    const token = await viewer();
    const found = await redrive(["find", "j-7"], { token });
    expect(found.code, found.err).toBe(0);
    expect(found.out).toMatch(/\ndocument +dead +0 +2 +TimeoutError: gone/);
    expect(found.out).toMatch(/\nvideo +waiting +0 /);
    const machine = await redrive(["find", "j-7", "--queue", "video", "--json"], { token });
    expect((JSON.parse(machine.out) as { found: unknown[] }).found).toHaveLength(1);
    expect((await redrive(["find", "nowhere"], { token })).code).toBe(3);
  });

  it("should exit 2 on a usage error, 1 on a refused token or an unknown queue, and 0 for --help", async () => {
    const noToken = await redrive(["dlq", "stats"]);
    expect(noToken.code).toBe(2);
    expect(noToken.err).toContain("REDRIVE_TOKEN");
    const bad = await redrive(["dlq", "stats"], { token: "rdv_000000000000_" + "x".repeat(43) });
    expect(bad.code).toBe(1);
    expect(bad.err).toContain("INVALID_TOKEN");
    // A pasted token with a line break in it: refused before any request, and never echoed.
    const pasted = await newToken(app, "viewer");
    const broken = pasted.token.slice(0, 20) + "\n" + pasted.token.slice(20);
    const refused = await redrive(["dlq", "stats"], { token: broken });
    expect(refused.code).toBe(2);
    expect(refused.err + refused.out).not.toContain(pasted.token.slice(20));
    const token = await viewer();
    const unknown = await redrive(["dlq", "list", "nope"], { token });
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain("UNKNOWN_QUEUE");
    expect((await redrive(["dlq", "frobnicate"], { token })).code).toBe(2);
    expect((await redrive(["dlq", "show", "document", "first"], { token })).code).toBe(2);
  });

  it("should print help for every command, with exit 0", async () => {
    const help = await redrive(["--help"]);
    expect(help.code).toBe(0);
    expect(help.out).toContain("Exit codes");
    for (const command of [
      ["dlq"],
      ["dlq", "requeue-all"],
      ["retry", "now"],
      ["cache"],
      ["audit"],
    ]) {
      const shown = await redrive([...command, "--help"]);
      expect(shown.code, command.join(" ")).toBe(0);
      expect(shown.out, command.join(" ")).toContain(`Usage: redrive ${command.join(" ")}`);
    }
  });
});
