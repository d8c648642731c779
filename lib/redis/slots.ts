import type { Config } from "../config";
import { hashTagOf, queueKeys } from "../queues/keys";
import { taskKey } from "../tasks/redrive";

/**
 * Redis Cluster hash slots, computed as Redis does (CRC16/XMODEM of the key,
 * or of its hash tag: the text between the first "{" and the first "}" after
 * it, when not empty, modulo 16384). A script may only touch keys of one
 * slot, so every key a queue's scripts touch together must share one.
 */
const SLOTS = 16384;

const TABLE = (() => {
  const table = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let crc = i << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? (crc << 1) ^ 0x1021 : crc << 1;
    table[i] = crc & 0xffff;
  }
  return table;
})();

function crc16(bytes: Uint8Array): number {
  let crc = 0;
  for (const b of bytes) crc = ((crc << 8) & 0xffff) ^ TABLE[((crc >> 8) ^ b) & 0xff]!;
  return crc;
}

export function keySlot(key: string): number {
  return crc16(Buffer.from(hashTagOf(key) ?? key, "utf8")) % SLOTS;
}

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
