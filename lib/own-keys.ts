/**
 * Redrive's own keys (metrics history and counters, tasks, audit, sessions,
 * login throttle, review marks, idempotency records, worker heartbeats, cache
 * counters, topology) live under REDRIVE_KEY_PREFIX, `redrive` by default, so
 * that a staging and a production dashboard can share one Redis without
 * mixing them. The queues' keys and the DLQ metadata hashes are the backend's
 * and keep their names.
 */
export interface KeyPrefix {
  REDRIVE_KEY_PREFIX: string;
}

/** `<prefix>:<name>`, e.g. `redrive:audit`. */
export function ownKey(config: KeyPrefix, name: string): string {
  return `${config.REDRIVE_KEY_PREFIX}:${name}`;
}

/** Whether a key is one of Redrive's own under this prefix. */
export function isOwnKey(config: KeyPrefix, key: string): boolean {
  return key.startsWith(`${config.REDRIVE_KEY_PREFIX}:`);
}
