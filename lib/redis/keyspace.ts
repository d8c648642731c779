import { masters, type RedisClient } from "./client";
import { slotGroups } from "./pipeline";

/**
 * Whole-keyspace work: SCAN, DBSIZE and UNLINK of many keys. On a Cluster
 * each master holds part of the keyspace, so SCAN and DBSIZE run on every
 * master, and a UNLINK of keys in several hash slots is one per slot (Redis
 * refuses a multi-key command across slots, CROSSSLOT).
 */

export interface ScanOptions {
  match?: string;
  count: number;
}

/**
 * SCANs each master in turn (the one server, or every Cluster master), giving
 * each page's keys to `page`; stops early when `page` answers false.
 */
export async function scanKeyspace(
  client: RedisClient,
  options: ScanOptions,
  page: (keys: string[]) => Promise<boolean | void>,
): Promise<void> {
  for (const node of masters(client)) {
    let cursor = "0";
    do {
      const [next, keys] = options.match
        ? await node.scan(cursor, "MATCH", options.match, "COUNT", options.count)
        : await node.scan(cursor, "COUNT", options.count);
      cursor = next;
      if ((await page(keys)) === false) return;
    } while (cursor !== "0");
  }
}

/** DBSIZE of the whole keyspace: the sum over the masters. */
export async function keyCount(client: RedisClient): Promise<number> {
  const sizes = await Promise.all(masters(client).map((m) => m.dbsize()));
  return sizes.reduce((a, b) => a + b, 0);
}

/** UNLINKs keys (one call on one server, one per hash slot on a Cluster); returns how many existed. */
export async function unlinkKeys(client: RedisClient, keys: string[]): Promise<number> {
  const groups = slotGroups(client, keys);
  const counts = await Promise.all(groups.map((g) => client.unlink(...g.map((i) => keys[i]!))));
  return counts.reduce((a, b) => a + b, 0);
}

/** MGET as Buffers (one call on one server, one per hash slot on a Cluster), in key order. */
export async function mgetBuffers(client: RedisClient, keys: string[]): Promise<(Buffer | null)[]> {
  const groups = slotGroups(client, keys);
  if (groups.length === 1) return client.mgetBuffer(...keys);
  const out: (Buffer | null)[] = new Array(keys.length).fill(null);
  await Promise.all(
    groups.map(async (g) => {
      const values = await client.mgetBuffer(...g.map((i) => keys[i]!));
      g.forEach((i, k) => (out[i] = values[k] ?? null));
    }),
  );
  return out;
}
