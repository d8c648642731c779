import Redis from "ioredis";
import { masters, type RedisClient } from "@/lib/redis/client";
import { execEachKey } from "@/lib/redis/pipeline";
import { defineScripts } from "@/lib/redis/scripts";
import type { LocalCluster } from "@/scripts/local-cluster";

/**
 * `REDRIVE_TEST_CLUSTER=1` runs a suite on a local Redis Cluster (./cluster.ts)
 * instead of one redis-server: the fixtures start one, configure Redrive with
 * REDIS_CLUSTER_NODES and REDIS_KEY_STYLE=hashtag, and give the test a Cluster
 * client. Tests name queue keys through `qk`, so one suite serves both.
 */
export const CLUSTER_MODE = process.env.REDRIVE_TEST_CLUSTER === "1";

const QUEUE_KEY = /^([a-z]+)_(queue|retry|dlq)\b/;

/**
 * A queue key of the default names as the suite's configuration names it:
 * `document_dlq` on one server, `{document}_dlq` on the Cluster.
 */
export function qk(plain: string): string {
  return CLUSTER_MODE ? plain.replace(QUEUE_KEY, "{$1}_$2") : plain;
}

/**
 * The environment that points Redrive at the cluster. REDIS_URL names one node
 * (on a Cluster it gives only credentials and TLS), so that a client made for
 * that URL, the cache's say, connects to the Cluster too.
 */
export function clusterEnv(cluster: LocalCluster): Record<string, string> {
  return {
    REDIS_URL: cluster.nodes[0]!.url,
    REDIS_CLUSTER_NODES: cluster.nodeList,
    REDIS_KEY_STYLE: "hashtag",
  };
}

/** A Cluster client with Redrive's scripts, ready (its masters known) when it resolves. */
export async function clusterClient(cluster: LocalCluster): Promise<RedisClient> {
  const nodes = cluster.nodeList.split(",").map((hp) => {
    const [host, port] = hp.split(":");
    return { host: host!, port: Number(port) };
  });
  const client = new Redis.Cluster(nodes, { redisOptions: { maxRetriesPerRequest: 1 } });
  defineScripts(client);
  await new Promise<void>((resolve, reject) => {
    client.once("ready", resolve);
    client.once("error", reject);
  });
  // Tests stop nodes on purpose: the client reconnects, and says nothing meanwhile.
  client.on("error", () => undefined);
  return client;
}

/** FLUSHALL on every master (a Cluster client sends a keyless command to one node only). */
export async function flushAll(client: RedisClient): Promise<void> {
  await Promise.all(masters(client).map((m) => m.flushall()));
}

/** SETs many keys in pipelines (one per hash slot on the Cluster). */
export async function setMany(
  client: RedisClient,
  keys: string[],
  value: string,
  ttlSeconds?: number,
): Promise<void> {
  for (let i = 0; i < keys.length; i += 5_000) {
    const part = keys.slice(i, i + 5_000);
    await execEachKey(client, part, (p, key) =>
      ttlSeconds ? p.set(key, value, "EX", ttlSeconds) : p.set(key, value),
    );
  }
}

/** Every key matching `pattern` (KEYS on every master: test data only). */
export async function allKeys(client: RedisClient, pattern = "*"): Promise<string[]> {
  return (await Promise.all(masters(client).map((m) => m.keys(pattern)))).flat();
}

/** CONFIG RESETSTAT on every master. */
export async function resetStats(client: RedisClient): Promise<void> {
  await Promise.all(masters(client).map((m) => m.config("RESETSTAT")));
}
