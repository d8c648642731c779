import "server-only";
import type Redis from "ioredis";
import type { Config } from "../config";
import { isRedriveKey } from "../queues/keys";
import { NAMESPACE_NAMES, NAMESPACES, namespaceOf, type Namespace } from "./namespaces";

/**
 * Clears one namespace or every namespace; never a queue, retry, DLQ or
 * metadata key, whatever their names. Returns how many keys went, per namespace.
 * Errors propagate: an admin must know when a clear did not happen.
 */
export async function clearCache(
  redis: Redis,
  config: Config,
  namespace?: Namespace,
): Promise<Record<string, number>> {
  const targets = namespace ? [namespace] : NAMESPACE_NAMES;
  const deleted: Record<string, number> = {};
  for (const ns of targets) {
    deleted[ns] = 0;
    let cursor = "0";
    // SCAN pages of 1 000 and one UNLINK each: no call holds Redis for long, and
    // UNLINK frees the memory in the background.
    do {
      const [next, keys] = await redis.scan(
        cursor,
        "MATCH",
        `${NAMESPACES[ns].prefix}*`,
        "COUNT",
        1000,
      );
      cursor = next;
      const safe = keys.filter((k) => namespaceOf(k) === ns && !isRedriveKey(config, k));
      if (safe.length > 0) deleted[ns] += await redis.unlink(...safe);
    } while (cursor !== "0");
  }
  return deleted;
}
