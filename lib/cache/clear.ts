import "server-only";
import type { RedisClient } from "../redis/client";
import type { Config } from "../config";
import { isRedriveKey } from "../queues/keys";
import { scanKeyspace, unlinkKeys } from "../redis/keyspace";
import { NAMESPACE_NAMES, NAMESPACES, namespaceOf, type Namespace } from "./namespaces";

/**
 * Clears one namespace or every namespace; never a queue, retry, DLQ or
 * metadata key, whatever their names. Returns how many keys went, per namespace.
 * Errors propagate: an admin must know when a clear did not happen.
 */
export async function clearCache(
  redis: RedisClient,
  config: Config,
  namespace?: Namespace,
): Promise<Record<string, number>> {
  const targets = namespace ? [namespace] : NAMESPACE_NAMES;
  const deleted: Record<string, number> = {};
  for (const ns of targets) {
    let count = 0;
    // SCAN pages of 1 000 and one UNLINK each: no call holds Redis for long, and
    // UNLINK frees the memory in the background. On a Cluster, every master.
    await scanKeyspace(redis, { match: `${NAMESPACES[ns].prefix}*`, count: 1000 }, async (keys) => {
      const safe = keys.filter((k) => namespaceOf(k) === ns && !isRedriveKey(config, k));
      if (safe.length > 0) count += await unlinkKeys(redis, safe);
    });
    deleted[ns] = count;
  }
  return deleted;
}
