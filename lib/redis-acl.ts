import type { Config } from "./config";
import { NAMESPACES } from "./cache/namespaces";
import { queueKeys } from "./queues/keys";

/**
 * The least-privilege Redis user Redrive needs (the README's "Least-privilege
 * Redis user", printed for a configuration by `npm run redis-acl`). Scripts
 * run with the caller's permissions, so the commands inside Redrive's Lua
 * scripts are listed too. Nothing here is administrative: no CONFIG, DEBUG,
 * KEYS, FLUSH*, SHUTDOWN, MONITOR or ACL.
 */
export const REDRIVE_COMMANDS = [
  // Connection: health checks, the INFO figures and safety banner, a database number in the URL.
  "ping",
  "info",
  "select",
  // Scripts: ioredis sends EVALSHA, falls back to EVAL, and loads them for pipelines.
  "evalsha",
  "eval",
  "script|load",
  "script|exists",
  // Transactions: sessions, metadata with its TTL; large moves check their entry with WATCH (lib/queues/tail.ts).
  "multi",
  "exec",
  "watch",
  "unwatch",
  // Lists: work, processing and DLQ lists.
  "lpush",
  "rpush",
  "lrange",
  "llen",
  "lindex",
  "lrem",
  "ltrim",
  "lset",
  "lpos",
  "blmove",
  // Hashes: DLQ metadata, leases, tasks, sessions, counters.
  "hset",
  "hsetnx",
  "hget",
  "hmget",
  "hgetall",
  "hkeys",
  "hdel",
  "hlen",
  "hexists",
  "hincrby",
  "hscan",
  // Sorted sets: retry schedules, metrics history, review marks.
  "zadd",
  "zrange",
  "zrem",
  "zremrangebyrank",
  "zcard",
  "zcount",
  "zscore",
  "zscan",
  // Strings: the cache and Redrive's own counters.
  "get",
  "mget",
  "set",
  "incr",
  "decr",
  // Keys: expiry, cache clearing and inspection (SCAN, MEMORY USAGE of permitted keys only).
  "del",
  "unlink",
  "exists",
  "expire",
  "pexpireat",
  "ttl",
  "type",
  "scan",
  "dbsize",
  "memory|usage",
  // Streams: the audit log.
  "xadd",
  "xtrim",
  "xrevrange",
  // Redis' clock inside scripts (lease and retry times).
  "time",
  // Replicas' confirmation of an admin's change (REDIS_WAIT_REPLICAS).
  "wait",
] as const;

/**
 * What a Cluster client sends besides: the slot map (CLUSTER SLOTS, refreshed
 * after a failover or a MOVED), the ready check (CLUSTER INFO), ASKING while a
 * slot migrates, CLIENT SETNAME, which names its slot-map connection, and
 * READONLY/READWRITE on connections to nodes whose role it learns.
 */
export const CLUSTER_COMMANDS = [
  "cluster|slots",
  "cluster|info",
  "asking",
  "client|setname",
  // ioredis marks a connection READONLY (or READWRITE again) when CLUSTER SLOTS shows a node
  // it knew from REDIS_CLUSTER_NODES is a replica (or was promoted), whatever it reads from.
  "readonly",
  "readwrite",
] as const;

/** The key patterns: every queue's keys, the metadata hashes, Redrive's own keys, the cache namespaces. */
export function redriveKeyPatterns(config: Config): string[] {
  const queues = config.QUEUES.flatMap((q) => {
    const k = queueKeys(config, q);
    return [k.work, k.processing, k.leases, k.retry, k.dlq];
  });
  const cache = Object.values(NAMESPACES).map((n) => `${n.prefix}*`);
  return [...queues, "dlq:metadata:*", `${config.REDRIVE_KEY_PREFIX}:*`, ...cache];
}

/**
 * The ACL SETUSER arguments for `user`: reset first (so the line can be run
 * again after an upgrade), no channels, no command but Redrive's.
 */
export function aclSetUserArgs(config: Config, user: string, password: string): string[] {
  return [
    user,
    "reset",
    "on",
    `>${password}`,
    "resetchannels",
    "-@all",
    ...REDRIVE_COMMANDS.map((c) => `+${c}`),
    ...(config.REDIS_CLUSTER_NODES ? CLUSTER_COMMANDS.map((c) => `+${c}`) : []),
    ...redriveKeyPatterns(config).map((p) => `~${p}`),
  ];
}

/** The line to paste into redis-cli, with a placeholder the admin replaces. */
export function aclSetUserLine(config: Config, user = "redrive", password = "CHANGE-ME"): string {
  return `ACL SETUSER ${aclSetUserArgs(config, user, password).join(" ")}`;
}
