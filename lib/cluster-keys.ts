import type { Config } from "./config";
import { queueKeys } from "./queues/keys";
import { keySlot } from "./redis/slots";
import { taskKey } from "./tasks/redrive";

/**
 * Whether the configured key names work on Redis Cluster: every key one
 * queue's scripts touch together must be in one hash slot (lib/redis/slots.ts).
 */

/** The keys one queue's scripts touch together: on Cluster they must share a slot. */
function keysMovedTogether(config: Config, queue: string): string[] {
  const k = queueKeys(config, queue);
  return [k.work, k.processing, k.leases, k.retry, k.dlq, taskKey(config, queue)];
}

/**
 * For each queue whose keys span slots: what is wrong and which names to use
 * instead (REDIS_KEY_STYLE=hashtag gives `{queue}_queue`, `{queue}_retry`, `{queue}_dlq`).
 */
export function clusterKeyProblems(config: Config): string[] {
  return config.QUEUES.flatMap((queue) => {
    const keys = keysMovedTogether(config, queue);
    if (new Set(keys.map(keySlot)).size === 1) return [];
    return [
      `queue ${queue}: its keys ${keys.join(", ")} are in different Redis Cluster hash slots, and one script moves messages between them. Set REDIS_KEY_STYLE=hashtag (keys {${queue}}_queue, {${queue}}_retry, {${queue}}_dlq) or give REDIS_QUEUE_/RETRY_/DLQ_${queue.toUpperCase().replace(/-/g, "_")} one common {tag}; see the README's "Redis Cluster".`,
    ];
  });
}

/**
 * What stops Redrive from starting on this Redis: on a Cluster node (INFO's
 * cluster_enabled:1), queues whose keys span slots. Read from `INFO`'s
 * fields, which the caller already has.
 */
export function clusterStartProblems(info: Record<string, string>, config: Config): string[] {
  return info.cluster_enabled === "1" ? clusterKeyProblems(config) : [];
}
