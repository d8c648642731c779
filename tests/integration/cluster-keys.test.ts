import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Redis from "ioredis";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { EngineContext } from "@/lib/queues/context";
import { purgeOlderThan } from "@/lib/queues/purge";
import { drainDlq } from "@/lib/queues/drain";
import { moveErrorGroup } from "@/lib/queues/errorGroups";
import { groupId } from "@/lib/queues/errorGroups";
import { moveMany } from "@/lib/queues/dlq-move";
import { identityOf } from "@/lib/queues/message";
import { promoteDue } from "@/lib/queues/retry";
import { defineScripts } from "@/lib/redis/scripts";
import { PermanentError, processOne, recoverAbandoned } from "@/lib/worker/processor";
import { startEmbeddedRedis, type EmbeddedRedis } from "@/scripts/embedded-redis";
import { startWorker } from "@/chaos/lib/worker";
import { clusterKeyProblems } from "@/lib/cluster-keys";
import { keySlot } from "@/lib/redis/slots";
import { createTask } from "@/lib/tasks/redrive";
import { testConfig } from "../helpers/redis";

/**
 * The queue engine's moves on a one-node Redis Cluster, with the scripts
 * loaded so that Redis refuses any call touching a key in another slot than
 * its declared keys. The queue's keys share the hash tag {document}, as a
 * Cluster deployment would name them; a metadata hash (dlq:metadata:…) lies in
 * other slots, so a move script that wrote or deleted one would fail here.
 */

let server: EmbeddedRedis;
let dir: string;
let redis: Redis;
let ctx: EngineContext;
const clock = { now: 1_800_000_000 };
const K = {
  work: "{document}_queue",
  processing: "{document}_queue:processing",
  retry: "{document}_retry",
  dlq: "{document}_dlq",
};

async function clusterReady(client: Redis): Promise<void> {
  await client.call("CLUSTER", "ADDSLOTSRANGE", "0", "16383");
  for (let i = 0; i < 100; i++) {
    const info = String(await client.call("CLUSTER", "INFO"));
    if (info.includes("cluster_state:ok")) return;
    await new Promise((res) => setTimeout(res, 100));
  }
  throw new Error("the one-node cluster did not come up");
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "redrive-cluster-"));
  server = await startEmbeddedRedis("redis-server", [
    "--cluster-enabled",
    "yes",
    "--cluster-config-file",
    join(dir, "nodes.conf"),
  ]);
  redis = new Redis(server.url, { maxRetriesPerRequest: 1 });
  defineScripts(redis, { strictKeys: true });
  await clusterReady(redis);
  // REDIS_KEY_STYLE=hashtag names the queue's keys as K does.
  const config = testConfig({
    REDIS_URL: server.url,
    QUEUES: "document",
    REDIS_KEY_STYLE: "hashtag",
  });
  ctx = { redis, config, now: () => clock.now };
});

beforeEach(async () => {
  clock.now = 1_800_000_000;
  await redis.flushall();
});

afterAll(async () => {
  redis?.disconnect();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Dead-letters `messages` the way a consumer does: take, fail for good. */
async function deadLetter(messages: string[], error = new PermanentError("bad page")) {
  for (const m of messages) {
    await redis.lpush(K.work, m);
    const raw = (await redis.lmoveBuffer(K.work, K.processing, "RIGHT", "LEFT"))!;
    const handler = () => Promise.reject(error);
    expect(await processOne(ctx, { queue: "document", handler }, raw)).toBe("dlq");
  }
}

const job = (i: number) => `{"id":"m${i}","job_id":"j${i}","filename":"f${i}.pdf"}`;

describe("scripts on Redis Cluster", () => {
  it("should refuse a probe script that touches an undeclared key in another slot when loaded strictly", async () => {
    await expect(
      redis.eval('#!lua\nreturn redis.call("GET", ARGV[1])', 1, K.work, "dlq:metadata:j:f"),
    ).rejects.toThrow(/same slot/);
  });

  it("should retry, dead-letter with metadata and promote when every key is in one slot", async () => {
    await redis.lpush(K.work, '{"id":"a","job_id":"ja","filename":"a.pdf","retry_count":2}');
    const take = async () => (await redis.lmoveBuffer(K.work, K.processing, "RIGHT", "LEFT"))!;
    const flaky = () => Promise.reject(new Error("timeout"));
    expect(await processOne(ctx, { queue: "document", handler: flaky }, await take())).toBe(
      "retry",
    );
    clock.now += 10_000;
    expect(await promoteDue(ctx, "document")).toBe(1);
    expect(await processOne(ctx, { queue: "document", handler: flaky }, await take())).toBe("dlq");
    expect(await redis.llen(K.dlq)).toBe(1);
    expect(await redis.hget("dlq:metadata:ja:a.pdf", "error_message")).toBe("timeout");
    await redis.lpush(K.work, "abandoned");
    await take();
    await recoverAbandoned(ctx, "document");
    clock.now += 120;
    expect(await recoverAbandoned(ctx, "document")).toBe(1);
    expect(await redis.lrange(K.work, 0, -1)).toEqual(["abandoned"]);
  });

  it("should requeue and delete by identity and delete the metadata hashes after the move", async () => {
    await deadLetter([job(1), job(2), job(3)]);
    const entries = await redis.lrangeBuffer(K.dlq, 0, -1);
    const targets = entries.map((raw, index) => ({ identity: identityOf(raw), index }));
    expect((await moveMany(ctx, "document", [targets[0]!], "requeue")).moved).toEqual(["id:m3"]);
    expect((await moveMany(ctx, "document", [targets[2]!], "delete")).moved).toEqual(["id:m1"]);
    expect(await redis.lrange(K.work, 0, -1)).toEqual([job(3)]);
    expect(await redis.exists("dlq:metadata:j3:f3.pdf")).toBe(0);
    expect(await redis.exists("dlq:metadata:j1:f1.pdf")).toBe(0);
    expect(await redis.exists("dlq:metadata:j2:f2.pdf")).toBe(1);
  });

  it("should drain, purge and move an error group when every key is in one slot", async () => {
    await deadLetter([job(1), job(2)], new PermanentError("disk full"));
    await redis.lpush(K.dlq, "foreign text", '{"id":"py","retry_count":3,"error":"x"}');
    await deadLetter([job(3)], new PermanentError("bad page"));
    const group = groupId("PermanentError", "disk full");
    expect((await moveErrorGroup(ctx, "document", group, "requeue")).moved).toHaveLength(2);
    expect(await drainDlq(ctx, "document", "requeue", { limit: 2 })).toMatchObject({ moved: 2 });
    expect(await drainDlq(ctx, "document", "delete")).toMatchObject({ moved: 1 });
    await deadLetter([job(4)]);
    clock.now += 8 * 86_400;
    expect(await purgeOlderThan(ctx, "document", 7 * 86_400)).toBe(1);
    expect(await redis.llen(K.dlq)).toBe(0);
    expect(await redis.llen(K.work)).toBe(4);
  });
});

describe("hash slots and the start-up check", () => {
  it("should compute the slot Redis computes when keys have tags, empty tags, braces and unicode", async () => {
    const keys = ["{document}_queue", "a{b}c", "{}x", "x{}y{z}", "{{a}}", "é{ü}", "plain", "}{a}"];
    for (let i = 0; i < 200; i++) keys.push(`k${i}:${"{".repeat(i % 3)}t${i % 7}}${i}`);
    for (const key of keys) {
      expect(keySlot(key), key).toBe(Number(await redis.call("CLUSTER", "KEYSLOT", key)));
    }
  });

  it("should name the keys and the fix when a queue's keys span slots, and accept the hashtag style", () => {
    const plain = clusterKeyProblems(testConfig({ QUEUES: "document,video" }));
    expect(plain).toHaveLength(2);
    expect(plain[0]).toContain("document_queue, document_queue:processing");
    expect(plain[0]).toContain("REDIS_KEY_STYLE=hashtag");
    expect(clusterKeyProblems(testConfig({ REDIS_KEY_STYLE: "hashtag" }))).toEqual([]);
    // A prefix with its own tag puts the task hash in another slot than the DLQ.
    const tagged = testConfig({ REDIS_KEY_STYLE: "hashtag", REDRIVE_KEY_PREFIX: "{staging}" });
    expect(clusterKeyProblems(tagged)).toHaveLength(4);
  });

  it("should start a requeue-all task when the task hash shares the DLQ's slot", async () => {
    await redis.lpush(K.dlq, '{"id":"a"}');
    const task = await createTask(ctx, "document", "requeue", 0, "admin");
    expect(task.total).toBe(1);
    expect(await redis.exists("redrive:task:{document}")).toBe(1);
  });

  it("should refuse to migrate key names on a Cluster node", () => {
    const res = spawnSync(
      process.execPath,
      [
        "--import",
        "tsx",
        "--conditions=react-server",
        "scripts/migrate-keys.ts",
        "--to",
        "hashtag",
        "--apply",
      ],
      { env: { ...process.env, REDIS_URL: server.url, QUEUES: "document" }, encoding: "utf8" },
    );
    expect(res.status).toBe(1);
    expect(res.stderr).toContain("migrate on the standalone Redis");
  }, 30_000);

  it("should stop the worker with the names to use when it starts on a Cluster with plain key names", async () => {
    const worker = startWorker({ REDIS_URL: server.url, QUEUES: "document" });
    const code = await new Promise<number | null>((res) => worker.child.once("exit", res));
    expect(code).toBe(1);
    expect(worker.output()).toContain("retry worker cannot run on this redis");
    expect(worker.output()).toContain("REDIS_KEY_STYLE=hashtag");
  });
});
