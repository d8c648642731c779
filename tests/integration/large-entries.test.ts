import Redis from "ioredis";
import { describe, expect, it } from "vitest";
import { duplicateClient } from "@/lib/redis/client";
import { BATCH_BYTES } from "@/lib/queues/batch";
import { forRequeue, sha1 } from "@/lib/queues/message";
import { readCost, readRange } from "@/lib/queues/read";
import { LARGE_OLDEST_BYTES } from "@/lib/queues/stats";
import { drainDlq } from "@/lib/queues/drain";
import { LARGE_MOVE_BYTES, moveOldest } from "@/lib/queues/tail";
import { writeRefusalOf } from "@/lib/redis/errors";
import { useRedis } from "../helpers/redis";

/**
 * Entries of many megabytes (a scanned document inlined in a job): they move
 * without a script (LPOS checks, a WATCHed MULTI moves), the overview reads
 * a large oldest entry once per half minute, and reads count what they made
 * Redis copy. Sizes just above the thresholds keep the test light.
 */

const r = useRedis({ QUEUES: "document" });
const DLQ = "document_dlq";
const WORK = "document_queue";
const MB = 1024 * 1024;

/** A foreign entry (no Redrive block) of `bytes`, restored by the full parser. */
function large(name: string, bytes = LARGE_MOVE_BYTES + MB): Buffer {
  const head = `{"id": "${name}", "job_id": "${name}", "error": "boom", "blob": "`;
  return Buffer.from(head + "x".repeat(bytes - head.length - 2) + '"}');
}

/** Commands of one name Redis ran so far (INFO commandstats). */
async function calls(command: string): Promise<number> {
  const info = await r.redis.info("commandstats");
  const match = new RegExp(`^cmdstat_${command}:calls=(\\d+)`, "m").exec(info);
  return match ? Number(match[1]) : 0;
}

describe("moving large entries", () => {
  it("should requeue a large tail entry exactly once while new failures keep arriving at the DLQ's head", async () => {
    const entry = large("big");
    await r.redis.lpush(DLQ, entry, '{"id":"s1"}');
    const writer = duplicateClient(r.redis);
    let writing = true;
    let pushed = 0;
    const arriving = (async () => {
      while (writing) {
        await writer.lpush(DLQ, JSON.stringify({ id: `new-${pushed++}` }));
      }
    })();
    const result = await drainDlq(r.engine.ctx, "document", "requeue", { limit: 2 });
    writing = false;
    await arriving;
    writer.disconnect();
    expect(result.moved).toBe(2);
    const work = await r.redis.lrangeBuffer(WORK, 0, -1);
    expect(work.map((e) => sha1(e))).toEqual([sha1('{"id":"s1"}'), sha1(forRequeue(entry))]);
    expect(await r.redis.llen(DLQ)).toBe(pushed);
  });

  it("should move a large entry on a connection that refuses to queue commands, as the dashboard's does", async () => {
    const entry = large("dashboard");
    await r.redis.lpush(DLQ, entry);
    const strict = new Redis(r.server.url, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    await new Promise((resolve) => strict.once("ready", resolve));
    try {
      const ctx = { ...r.engine.ctx, redis: strict };
      expect(await moveOldest(ctx, "document", "delete", [entry])).toEqual({
        moved: 1,
        changed: false,
      });
    } finally {
      strict.disconnect();
    }
    expect(await r.redis.llen(DLQ)).toBe(0);
  });

  it("should move nothing when the tail is no longer the entry read", async () => {
    const entry = large("gone");
    await r.redis.lpush(DLQ, '{"id":"other"}');
    const moved = await moveOldest(r.engine.ctx, "document", "requeue", [entry]);
    expect(moved).toEqual({ moved: 0, changed: true });
    expect(await r.redis.lrange(DLQ, 0, -1)).toEqual(['{"id":"other"}']);
    expect(await r.redis.llen(WORK)).toBe(0);
  });

  it("should put the entry back at the DLQ's tail when the push fails as it runs", async () => {
    const entry = large("back");
    await r.redis.lpush(DLQ, entry, '{"id":"newer"}');
    await r.redis.set(WORK, "not a list");
    await expect(moveOldest(r.engine.ctx, "document", "requeue", [entry])).rejects.toThrow(
      /WRONGTYPE/,
    );
    expect(sha1((await r.redis.lindexBuffer(DLQ, -1))!)).toBe(sha1(entry));
    expect(await r.redis.llen(DLQ)).toBe(2);
  });

  it("should keep small entries in the DLQ when their push fails as it runs", async () => {
    const entry = Buffer.from('{"id": "small", "error": "boom"}');
    await r.redis.lpush(DLQ, entry);
    await r.redis.set(WORK, "not a list");
    await expect(moveOldest(r.engine.ctx, "document", "requeue", [entry])).rejects.toThrow(
      /WRONGTYPE/,
    );
    expect(await r.redis.lrangeBuffer(DLQ, 0, -1)).toEqual([entry]);
  });

  it("should refuse the move whole with Redis's own OOM when Redis is full", async () => {
    const entry = large("full");
    await r.redis.lpush(DLQ, entry);
    await r.redis.config("SET", "maxmemory", "1mb");
    try {
      const refused = await moveOldest(r.engine.ctx, "document", "requeue", [entry]).catch(
        (e: unknown) => e,
      );
      expect(writeRefusalOf(refused)).toBe("REDIS_OOM");
    } finally {
      await r.redis.config("SET", "maxmemory", "0");
    }
    expect(await r.redis.llen(DLQ)).toBe(1);
    expect(await r.redis.llen(WORK)).toBe(0);
  });

  it("should leave entries up to the threshold to one script call", () => {
    expect(LARGE_MOVE_BYTES).toBeGreaterThan(BATCH_BYTES);
  });
});

describe("reading large entries", () => {
  it("should count every byte Redis copied for a read, cut entries whole", async () => {
    const entry = large("counted", 3 * MB);
    await r.redis.lpush(DLQ, entry, '{"id":"s"}');
    const cost = { bytes: 0 };
    const { entries } = await readCost.run(cost, () => readRange(r.redis, DLQ, 0, 10));
    expect(entries[1]!.whole).toBeNull();
    expect(cost.bytes).toBe(entry.length + '{"id":"s"}'.length);
  });

  it("should read a large oldest entry once for the overview, and again once the DLQ got shorter", async () => {
    const old = large("oldest", LARGE_OLDEST_BYTES + MB);
    await r.redis.lpush(DLQ, old);
    await r.engine.pushToDlq("document", Buffer.from('{"id":"newer"}'), new Error("x"), 1);
    const stats = async () => (await r.engine.getStats())[0]!;
    const first = await stats();
    const reads = await calls("evalsha");
    await r.engine.pushToDlq("document", Buffer.from('{"id":"newest"}'), new Error("x"), 1);
    const second = await stats();
    expect(await calls("evalsha")).toBe(reads);
    expect(second.dlq).toBe(3);
    expect(second.oldestDlqAt).toBe(first.oldestDlqAt);
    // The large oldest entry goes (a requeue from the tail): read again, the next one is the oldest.
    await r.redis.rpop(DLQ);
    r.clock.now += 60;
    const third = await stats();
    expect(third.dlq).toBe(2);
    expect(third.oldestDlqAt).toBe(r.clock.now - 60);
  });
});
