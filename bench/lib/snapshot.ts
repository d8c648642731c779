import Redis from "ioredis";

/**
 * Fresh data for every repetition without writing it again: what a system
 * wrote once is kept aside with COPY (byte for byte what it wrote, in Redis's
 * own encoding) and copied back before each run. A list of 1 000 000 entries
 * copies in a fraction of a second; writing it again costs a minute (the
 * Python-shaped entries) and BullMQ's 200 000 failed jobs cost more (a worker
 * must fail each one). Never timed.
 */

/** Keeps `key` aside as `aside` (replacing what was there). */
export async function keepAside(redis: Redis, key: string, aside: string): Promise<void> {
  await redis.call("COPY", key, aside, "REPLACE");
}

/** Puts `key` back as it was kept, and deletes `clear` (what the last run moved elsewhere). */
export async function restore(
  redis: Redis,
  aside: string,
  key: string,
  clear: string[] = [],
): Promise<void> {
  const pipeline = redis.pipeline();
  if (clear.length > 0) pipeline.del(...clear);
  pipeline.call("COPY", aside, key, "REPLACE");
  const results = (await pipeline.exec()) ?? [];
  for (const [err] of results) if (err) throw err;
}

/** Keys per SCAN step and per pipeline of COPY commands. */
const STEP = 1000;

/** Copies every key of database `from` into database `to` (COPY … DB, one pipeline per SCAN step). */
export async function copyDatabase(url: string, from: number, to: number): Promise<number> {
  const source = new Redis(url, { db: from, maxRetriesPerRequest: 1 });
  try {
    let cursor = "0";
    let copied = 0;
    do {
      const [next, keys] = await source.scan(cursor, "COUNT", STEP);
      cursor = next;
      if (keys.length === 0) continue;
      const pipeline = source.pipeline();
      for (const key of keys) pipeline.call("COPY", key, key, "DB", String(to), "REPLACE");
      const results = (await pipeline.exec()) ?? [];
      for (const [err] of results) if (err) throw err;
      copied += keys.length;
    } while (cursor !== "0");
    return copied;
  } finally {
    source.disconnect();
  }
}

/** Empties database `db` only (synchronously), leaving the others as they are. */
export async function flushDatabase(url: string, db: number): Promise<void> {
  const client = new Redis(url, { db, maxRetriesPerRequest: 1 });
  try {
    await client.flushdb("SYNC");
  } finally {
    client.disconnect();
  }
}
