import { describe, expect, it } from "vitest";
import { toDlqEntry } from "@/lib/queues/message";
import { useApp } from "../helpers/app";
import { cliRunner, newToken } from "../helpers/cli";
import { cuttingProxy } from "../helpers/cutting-proxy";
import { qk, setMany } from "../helpers/cluster-mode";

/** The `redrive` command line's changes: by identity, confirmed, audited, with exit codes. */
const app = useApp();
const redrive = cliRunner(app);

const DAY_MS = 86_400_000;

function entry(id: string, daysAgo = 0): Buffer {
  return toDlqEntry(Buffer.from(`{"id":"${id}"}`), {
    error: { type: "E", message: "m" },
    retryCount: 3,
    failedAt: new Date(Date.now() - daysAgo * DAY_MS),
    originalQueue: "audio",
  });
}

/** audio's DLQ holding `ids`, the first the newest (index 0). */
async function dlqOf(...ids: string[]): Promise<void> {
  await app.redis.lpush(qk("audio_dlq"), ...ids.reverse().map((id) => entry(id)));
}

const dlqIds = async () =>
  (await app.redis.lrange(qk("audio_dlq"), 0, -1)).map((e) => /"id":"(\w+)"/.exec(e)![1]);

// Each test runs the command line several times: a child process each, slower on a busy machine.
describe("the redrive command line's changes", { timeout: 60_000 }, () => {
  it("should requeue the messages at the indexes by their identities, audited under the token", async () => {
    await dlqOf("a", "b", "c", "d");
    const admin = await newToken(app, "admin");
    const run = await redrive(["dlq", "requeue", "audio", "0", "2", "--json"], admin);
    expect(run.code, run.err).toBe(0);
    expect((JSON.parse(run.out) as { moved: string[] }).moved.sort()).toEqual(["id:a", "id:c"]);
    expect(await dlqIds()).toEqual(["b", "d"]);
    expect(await app.redis.llen(qk("audio_queue"))).toBe(2);
    const audit = await redrive(["audit", "--json", "--limit", "1"], admin);
    const [last] = (JSON.parse(audit.out) as { entries: Record<string, unknown>[] }).entries;
    expect(last).toMatchObject({
      user: `token:${admin.name}`,
      token: { id: admin.id, createdBy: "admin" },
      action: "requeue selected",
      queue: "audio",
      result: "ok",
    });
    // The same identities again: none is there any more, nothing moved.
    const again = await redrive(
      ["dlq", "requeue", "audio", "--identity", "id:a", "id:c", "--json"],
      admin,
    );
    expect(again.code).toBe(3);
    expect(JSON.parse(again.out)).toEqual({ moved: [], missing: ["id:a", "id:c"] });
    const past = await redrive(["dlq", "requeue", "audio", "5"], admin);
    expect(past.code).toBe(3);
    expect(past.err).toContain("no message at index 5");
  });

  it("should requeue later into the retry set with --later, and refuse a time it cannot read", async () => {
    await dlqOf("a", "b");
    const admin = await newToken(app, "admin");
    const before = Date.now() / 1000;
    const run = await redrive(["dlq", "requeue", "audio", "1", "--later", "2h"], admin);
    expect(run.code, run.err).toBe(0);
    expect(run.out).toMatch(/requeued 1 of audio's dead letters to the retry set, due \d{4}-/);
    const [member, score] = await app.redis.zrange(qk("audio_retry"), "0", "-1", "WITHSCORES");
    expect(member).toContain('"id":"b"');
    expect(Number(score)).toBeGreaterThanOrEqual(Math.floor(before) + 7200);
    expect(Number(score)).toBeLessThan(before + 7200 + 60);
    const bad = await redrive(["dlq", "requeue", "audio", "0", "--later", "soon"], admin);
    expect(bad.code).toBe(2);
    expect(await dlqIds()).toEqual(["a"]);
  });

  it("should resend a change whose answer was lost with the same Idempotency-Key, and act once", async () => {
    await dlqOf("a", "b");
    const admin = await newToken(app, "admin");
    const proxy = await cuttingProxy(app.url);
    try {
      const args = ["dlq", "requeue", "audio", "--identity", "id:a", "--json"];
      const run = await redrive(args, { ...admin, url: proxy.url });
      expect(proxy.cut()).toBe(1);
      // The first request moved it; the resend got that answer back instead of "missing".
      expect(run.code, run.err).toBe(0);
      expect(JSON.parse(run.out)).toEqual({ moved: ["id:a"], missing: [] });
    } finally {
      await proxy.close();
    }
    expect(await dlqIds()).toEqual(["b"]);
    expect(await app.redis.llen(qk("audio_queue"))).toBe(1);
  });

  it("should refuse a destructive command without --yes and no terminal, and do it with --yes", async () => {
    await dlqOf("a", "b");
    await setMany(app.redis, ["user:1"], "{}");
    const admin = await newToken(app, "admin");
    const refused = [
      ["dlq", "delete", "audio", "0"],
      ["dlq", "delete-all", "audio"],
      ["dlq", "purge", "audio", "--older-than", "0"],
      ["cache", "clear"],
      ["tokens", "revoke", admin.id],
    ];
    for (const args of refused) {
      const run = await redrive(args, admin);
      expect(run.code, args.join(" ")).toBe(2);
      expect(run.err, args.join(" ")).toContain("add --yes");
    }
    expect(await dlqIds()).toEqual(["a", "b"]);
    expect(await app.redis.exists("user:1")).toBe(1);
    const deleted = await redrive(["dlq", "delete", "audio", "1", "--yes"], admin);
    expect(deleted.code, deleted.err).toBe(0);
    expect(deleted.out).toContain("deleted 1 of audio's dead letters");
    expect(await dlqIds()).toEqual(["a"]);
    const cleared = await redrive(["-y", "cache", "clear", "user"], admin);
    expect(cleared.code, cleared.err).toBe(0);
    expect(cleared.out).toMatch(/user +1/);
    expect(await app.redis.exists("user:1")).toBe(0);
  });

  it("should ask on a terminal, and change nothing unless the answer is yes", async () => {
    await dlqOf("a", "b");
    const admin = await newToken(app, "admin");
    const no = await redrive(["dlq", "delete", "audio", "0"], {
      ...admin,
      terminal: true,
      answer: "n\n",
    });
    expect(no.code).toBe(3);
    expect(no.out).toContain("Delete these 1 dead letters of audio? [y/N]");
    expect(no.out).toContain("id:a");
    expect(await dlqIds()).toEqual(["a", "b"]);
    const yes = await redrive(["dlq", "delete", "audio", "0"], {
      ...admin,
      terminal: true,
      answer: "y\n",
    });
    expect(yes.code, yes.out).toBe(0);
    expect(await dlqIds()).toEqual(["b"]);
  });

  it("should purge what failed longer ago than --older-than, and exit 3 when nothing was that old", async () => {
    await app.redis.lpush(qk("audio_dlq"), entry("old", 10), entry("week", 6), entry("new", 0));
    const admin = await newToken(app, "admin");
    const purged = await redrive(["dlq", "purge", "audio", "--older-than", "7d", "--yes"], admin);
    expect(purged.code, purged.err).toBe(0);
    expect(purged.out).toContain("purged 1 of audio's dead letters");
    expect(await dlqIds()).toEqual(["new", "week"]);
    const none = await redrive(["dlq", "purge", "audio", "--older-than", "168h", "--yes"], admin);
    expect(none.code).toBe(3);
    const bad = await redrive(["dlq", "purge", "audio", "--older-than", "a week", "--yes"], admin);
    expect(bad.code).toBe(2);
  });

  it("should run scheduled retries now, one by rank or all", async () => {
    const now = Date.now() / 1000;
    await app.redis.zadd(qk("video_retry"), now + 60, '{"id":"r1"}');
    await app.redis.zadd(qk("video_retry"), now + 120, '{"id":"r2"}');
    const admin = await newToken(app, "admin");
    const one = await redrive(["retry", "now", "video", "1"], admin);
    expect(one.code, one.err).toBe(0);
    expect(await app.redis.zrange(qk("video_retry"), "0", "-1")).toEqual(['{"id":"r1"}']);
    const all = await redrive(["retry", "now", "video", "--json"], admin);
    expect(JSON.parse(all.out)).toEqual({ moved: 1 });
    expect(await app.redis.lrange(qk("video_queue"), 0, -1)).toHaveLength(2);
    expect((await redrive(["retry", "now", "video"], admin)).code).toBe(3);
  });

  it("should refuse a viewer's change and a change outside the token's queues", async () => {
    await dlqOf("a");
    const viewer = await newToken(app, "viewer");
    const refused = await redrive(["dlq", "requeue", "audio", "0"], viewer);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain("403");
    const videoOnly = await newToken(app, "admin", ["video"]);
    const outside = await redrive(["dlq", "requeue", "audio", "0"], videoOnly);
    expect(outside.code).toBe(1);
    expect(outside.err).toContain("UNKNOWN_QUEUE");
    expect(await dlqIds()).toEqual(["a"]);
  });

  it("should revoke a token, after which it is refused", async () => {
    const admin = await newToken(app, "admin");
    const other = await newToken(app, "viewer");
    const revoked = await redrive(["tokens", "revoke", other.id, "--yes"], admin);
    expect(revoked.code, revoked.err).toBe(0);
    const refused = await redrive(["dlq", "stats"], other);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain("INVALID_TOKEN");
  });
});
