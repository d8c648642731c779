import { createHash } from "node:crypto";
import type { RedisClient } from "@/lib/redis/client";
import { loadConfig } from "@/lib/config";
import { QueueEngine } from "@/lib/queues/engine";
import { ACL_KEYS } from "./acl";
import { big } from "./paths";

/** What the fuzzed server's Redis holds: Redrive's fixtures, other applications' keys, snapshots. */

const config = loadConfig({ NODE_ENV: "test" });

const sha1 = (s: string) => createHash("sha1").update(s).digest("hex");

/** Whether the restricted user may touch a key: ACL_KEYS as globs ("*" only at the end). */
export function insidePatterns(key: string): boolean {
  return ACL_KEYS.some((p) => (p.endsWith("*") ? key.startsWith(p.slice(0, -1)) : key === p));
}

/**
 * Empties Redrive's data (sessions, throttle and audit kept) and writes the
 * fixtures again; returns the identities of the messages written.
 */
export async function seed(redis: RedisClient): Promise<string[]> {
  const keys = await allKeys(redis);
  const drop = keys.filter(
    (k) =>
      insidePatterns(k) &&
      !k.startsWith("redrive:session:") &&
      !k.startsWith("redrive:{login}:") &&
      !k.startsWith("redrive:audit"),
  );
  if (drop.length > 0) await redis.del(...drop);
  const engine = new QueueEngine(redis, config);
  const ids: string[] = [];
  for (const q of ["document", "audio"]) {
    for (let i = 0; i < 4; i++) {
      await engine.pushToDlq(
        q,
        { id: `${q[0]}-${i}`, job_id: `j${i}`, filename: `f${i}.pdf` },
        new Error(i % 2 ? `timeout after ${i}s` : `codec ${i} unsupported`),
        3,
      );
      ids.push(`id:${q[0]}-${i}`);
    }
    // What the Python backend writes: the entry, and its details in a metadata hash.
    const python = JSON.stringify({ job_id: `py-${q}`, filename: "a.wav", error: "boom" });
    await redis.lpush(`${q}_dlq`, python);
    await redis.hset(`dlq:metadata:py-${q}:a.wav`, {
      error_type: "ValueError",
      error_message: "bad input",
      failed_at: String(Date.now() / 1000),
      retry_count: "3",
    });
    ids.push(`h:${sha1(python)}`);
    const notJson = `not json <b>at all</b> \u0000 ${q}`;
    await redis.lpush(`${q}_dlq`, notJson);
    ids.push(`h:${sha1(notJson)}`);
    const large = JSON.stringify({ job_id: `big-${q}`, filename: "big.bin", blob: big(200_000) });
    await redis.lpush(`${q}_dlq`, large);
    ids.push(`h:${sha1(large)}`);
  }
  await redis.lpush("video_dlq", "x");
  for (let i = 0; i < 3; i++) {
    await engine.pushToRetryQueue("document", { id: `r-${i}`, job_id: `rj${i}` }, 1);
    ids.push(`id:r-${i}`);
  }
  await redis.zadd("audio_retry", 1, JSON.stringify({ id: "r-big", blob: big(200_000) }));
  await redis.lpush("graph_queue", '{"id":"w-1"}');
  await redis.set("user:1", '{"name":"a"}');
  await redis.set("job:status:j1", '"done"');
  await redis.set("doc:summary:d1", '"summary"');
  await redis.set("vector:search:abc:j1", "[]");
  await redis.set("graph:j1:abc", "{}");
  await redis.set("users:managers", "[]");
  return ids;
}

/** Keys of other applications in the same Redis: never read, never written. */
export async function seedOutside(redis: RedisClient): Promise<void> {
  await redis.set("other:secret", "hunter2");
  await redis.lpush("app_queue", '{"id":"d-1"}', "x");
  await redis.lpush("document_dlq:copy", '{"id":"d-1"}');
  await redis.set("userdata:1", "{}");
  await redis.hset("dlq:meta", "a", "b");
}

export async function allKeys(redis: RedisClient): Promise<string[]> {
  const keys: string[] = [];
  let cursor = "0";
  do {
    const [next, batch] = await redis.scan(cursor, "COUNT", 1000);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== "0");
  return keys.sort();
}

/** Every key with its serialized value. */
export async function snapshot(
  redis: RedisClient,
  keep: (key: string) => boolean,
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const key of (await allKeys(redis)).filter(keep)) {
    const dumped = await redis.dumpBuffer(key);
    if (dumped) out.set(key, dumped.toString("base64"));
  }
  return out;
}

/** Keys denials and logins legitimately write, whoever sends them. */
export function changedByAnyone(key: string): boolean {
  return (
    key.startsWith("redrive:{login}:") ||
    key.startsWith("redrive:session:") ||
    key.startsWith("redrive:audit:denied:") ||
    key === "redrive:audit:denials"
  );
}

export async function aclLog(redis: RedisClient): Promise<unknown[]> {
  return (await redis.call("ACL", "LOG")) as unknown[];
}
