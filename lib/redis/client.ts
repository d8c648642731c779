import type Redis from "ioredis";
import type { Cluster } from "ioredis";

/**
 * A connection to the queue Redis or the cache Redis: one server (standalone,
 * or the master Sentinel names) or a Redis Cluster (REDIS_CLUSTER_NODES). Both
 * answer the same commands; what differs is whole-keyspace work (SCAN, INFO,
 * DBSIZE, FLUSHALL), which runs on every master (`masters`), and batches of
 * keys in several hash slots, which are grouped by slot (lib/redis/batch.ts).
 */
export type RedisClient = Redis | Cluster;

export function isCluster(client: RedisClient): client is Cluster {
  return client.isCluster;
}

/**
 * The servers that hold the keyspace: the one server, or each Cluster master.
 * A Cluster client that knows no master yet (starting, or re-reading the slot
 * map after a failover) throws, as a command would: an empty list would make
 * a sum of nothing look like an empty keyspace, or a WAIT on nothing look confirmed.
 */
export function masters(client: RedisClient): Redis[] {
  if (!isCluster(client)) return [client];
  const nodes = client.nodes("master");
  if (nodes.length === 0) throw new Error("Cluster isn't ready: no master is known yet");
  return nodes;
}

/** A connection of its own to the same Redis (WATCH and blocking commands hold one). */
export function duplicateClient(
  client: RedisClient,
  options: { enableOfflineQueue?: boolean } = {},
): RedisClient {
  return isCluster(client) ? client.duplicate([], options) : client.duplicate(options);
}

/** The client as one server's, for code that only ever talks to one (benchmarks, tools on a single node). */
export function oneServer(client: RedisClient): Redis {
  if (isCluster(client)) throw new Error("expected one Redis server, not a Cluster");
  return client;
}
