/**
 * The queue key names of an upgrade run. UPGRADE_KEY_STYLE=hashtag runs it
 * with Redis Cluster's hash-tagged names ({audio}_queue, {audio}_dlq, ...)
 * on a standalone Redis: the new version gets REDIS_KEY_STYLE=hashtag, and
 * both versions the per-queue names (0.1.0 has no key style, only
 * REDIS_QUEUE_<Q>, REDIS_RETRY_<Q> and REDIS_DLQ_<Q>), as an operator who
 * moved to hash tags under 0.1.0 would have set them. The harness's producer
 * and Python consumer use the same names, as python-backend.md asks of the
 * backend.
 */
export const KEY_STYLE = process.env.UPGRADE_KEY_STYLE ?? "plain";

if (!["plain", "hashtag"].includes(KEY_STYLE)) {
  throw new Error(`UPGRADE_KEY_STYLE: expected plain or hashtag, got ${KEY_STYLE}`);
}

export function queueKeys(queue) {
  const base = KEY_STYLE === "hashtag" ? `{${queue}}` : queue;
  return {
    work: `${base}_queue`,
    processing: `${base}_queue:processing`,
    leases: `${base}_queue:processing:leases`,
    retry: `${base}_retry`,
    dlq: `${base}_dlq`,
  };
}

/** The settings both versions get for these names. */
export function keySettings(queues) {
  if (KEY_STYLE === "plain") return {};
  const env = { REDIS_KEY_STYLE: "hashtag" };
  for (const q of queues) {
    const suffix = q.toUpperCase().replace(/-/g, "_");
    const keys = queueKeys(q);
    env[`REDIS_QUEUE_${suffix}`] = keys.work;
    env[`REDIS_RETRY_${suffix}`] = keys.retry;
    env[`REDIS_DLQ_${suffix}`] = keys.dlq;
  }
  return env;
}
