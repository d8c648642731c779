import type { Config } from "../config";
import { isOwnKey, ownKey, type KeyPrefix } from "../own-keys";

/** Every key of one queue, built in one place (the key layout, docs/python-backend.md). */
export interface QueueKeys {
  queue: string;
  work: string;
  /** Messages a consumer took and has not acknowledged yet. */
  processing: string;
  /** sha1 of a processing message -> last time a live consumer touched it. */
  leases: string;
  retry: string;
  dlq: string;
}

export function queueKeys(config: Config, queue: string): QueueKeys {
  const names = config.queueKeys[queue];
  if (!names) throw new UnknownQueueError(queue);
  return {
    queue,
    work: names.work,
    processing: `${names.work}:processing`,
    leases: `${names.work}:processing:leases`,
    retry: names.retry,
    dlq: names.dlq,
  };
}

/** Whether a queue name (from a URL, say) is one of the configured queues. */
export function isQueue(config: Config, queue: string): boolean {
  return Object.hasOwn(config.queueKeys, queue);
}

export const workerHeartbeatKey = (c: KeyPrefix) => ownKey(c, "worker:heartbeat");

/**
 * Whether a key is one of Redrive's own (a queue's work, processing, lease,
 * retry or DLQ key, a DLQ metadata hash, or a redrive:* key): cache clearing
 * and pattern deletes must never touch these, whatever the pattern says.
 */
export function isRedriveKey(config: Config, key: string): boolean {
  if (key.startsWith("dlq:metadata:") || isOwnKey(config, key)) return true;
  return queueKeySet(config).has(key);
}

const keySets = new WeakMap<Config, Set<string>>();

function queueKeySet(config: Config): Set<string> {
  let set = keySets.get(config);
  if (!set) {
    set = new Set(
      config.QUEUES.flatMap((q) => {
        const k = queueKeys(config, q);
        return [k.work, k.processing, k.leases, k.retry, k.dlq];
      }),
    );
    keySets.set(config, set);
  }
  return set;
}

export class UnknownQueueError extends Error {
  readonly code = "UNKNOWN_QUEUE";
  constructor(queue: string) {
    super(`Unknown queue ${JSON.stringify(queue.slice(0, 100))}`);
    this.name = "UnknownQueueError";
  }
}
