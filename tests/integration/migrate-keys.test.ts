import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { QueueEngine } from "@/lib/queues/engine";
import { workerHeartbeatKey } from "@/lib/queues/keys";
import { applyRenames, renamePlan } from "@/lib/migrate-keys";
import { testConfig, useRedis } from "../helpers/redis";

/**
 * npm run migrate-keys: a standalone Redis's live queue keys renamed from the
 * plain names to the hash-tagged ones (before a move to Cluster), all of a
 * queue's keys or none, never over an existing key.
 */
const r = useRedis();

function cli(args: string[]) {
  return spawnSync(
    process.execPath,
    ["--import", "tsx", "--conditions=react-server", "scripts/migrate-keys.ts", ...args],
    {
      env: { ...process.env, REDIS_URL: r.server.url, QUEUES: "document,video" },
      encoding: "utf8",
    },
  );
}

async function fillPlain(queue: string): Promise<void> {
  await r.redis.lpush(`${queue}_queue`, "w1");
  await r.redis.lpush(`${queue}_queue:processing`, "p1");
  await r.redis.hset(`${queue}_queue:processing:leases`, "sha", "1");
  await r.redis.zadd(`${queue}_retry`, "1", "r1");
  await r.redis.lpush(`${queue}_dlq`, '{"id":"d1"}', '{"id":"d2"}');
  await r.redis.hset(`redrive:task:${queue}`, "id", "t", "state", "done");
}

describe("migrating live keys to the hash-tagged names", () => {
  it("should plan every key of every queue, and leave names set per queue alone", () => {
    const plan = renamePlan({ NODE_ENV: "test", QUEUES: "document" }, "plain", "hashtag");
    expect(plan[0]!.pairs).toEqual([
      ["document_queue", "{document}_queue"],
      ["document_queue:processing", "{document}_queue:processing"],
      ["document_queue:processing:leases", "{document}_queue:processing:leases"],
      ["document_retry", "{document}_retry"],
      ["document_dlq", "{document}_dlq"],
      ["redrive:task:document", "redrive:task:{document}"],
    ]);
    const fixed = renamePlan(
      { NODE_ENV: "test", QUEUES: "document", REDIS_DLQ_DOCUMENT: "docs_failed" },
      "plain",
      "hashtag",
    );
    expect(fixed[0]!.pairs.map(([a]) => a)).not.toContain("docs_failed");
    // The DLQ and the task hash, which takes the DLQ's tag, stay as they are.
    expect(fixed[0]!.pairs).toHaveLength(4);
  });

  it("should move every key with its data, and the engine should read it under the new style", async () => {
    await fillPlain("document");
    const env = { NODE_ENV: "test", QUEUES: "document" };
    const [outcome] = await applyRenames(r.engine.ctx, renamePlan(env, "plain", "hashtag"));
    expect(outcome).toMatchObject({ renamed: 6, conflict: null });
    expect((await r.redis.keys("document_*")).sort()).toEqual([]);
    expect(await r.redis.lrange("{document}_dlq", 0, -1)).toEqual(['{"id":"d2"}', '{"id":"d1"}']);
    expect(await r.redis.hget("redrive:task:{document}", "state")).toBe("done");
    const tagged = testConfig({
      REDIS_URL: r.server.url,
      QUEUES: "document",
      REDIS_KEY_STYLE: "hashtag",
    });
    const engine = new QueueEngine(r.redis, tagged);
    expect(await engine.getDlqCount("document")).toBe(2);
    const [first] = await engine.getDlqMessages("document", 0, 1);
    await engine.requeueFromDlq("document", 0, first!.identity);
    expect(await r.redis.lrange("{document}_queue", 0, -1)).toEqual(['{"id":"d2"}', "w1"]);
  });

  it("should rename nothing of a queue whose new names exist, and still move the others", async () => {
    await fillPlain("document");
    await fillPlain("video");
    await r.redis.lpush("{video}_dlq", "already here");
    const env = { NODE_ENV: "test", QUEUES: "document,video" };
    const outcomes = await applyRenames(r.engine.ctx, renamePlan(env, "plain", "hashtag"));
    expect(outcomes.map((o) => [o.queue, o.renamed, o.conflict])).toEqual([
      ["document", 6, null],
      ["video", 0, "{video}_dlq"],
    ]);
    expect(await r.redis.llen("video_dlq")).toBe(2);
    expect(await r.redis.lrange("{video}_dlq", 0, -1)).toEqual(["already here"]);
  });

  it("should print the plan without --apply, and refuse while a worker is alive", async () => {
    await fillPlain("document");
    const dry = cli(["--to", "hashtag"]);
    expect(dry.status).toBe(0);
    expect(dry.stdout).toContain("document: document_dlq -> {document}_dlq");
    expect(await r.redis.exists("document_dlq")).toBe(1);
    const beat = { instanceId: "w", lastRunAt: Date.now() / 1000, intervalSeconds: 10 };
    await r.redis.hset(workerHeartbeatKey(r.config), "w", JSON.stringify(beat));
    const refused = cli(["--to", "hashtag", "--apply"]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain("Redrive worker(s) alive");
    expect(await r.redis.exists("document_dlq")).toBe(1);
  }, 30_000);
});
