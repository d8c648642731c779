import { readFileSync } from "node:fs";
import type { RedisOptions } from "ioredis";
import type { ConnectionOptions } from "node:tls";
import { z } from "zod";
import { int } from "./env-schemas";

/**
 * How Redrive reaches and names things in Redis beyond the URL: TLS material
 * for `rediss://` URLs, a second Redis for the cache, Sentinel, replicas'
 * confirmation (WAIT), the queue key style and Redrive's own key prefix. Part
 * of the one configuration (lib/config.ts spreads these in); the README's
 * "Production Redis" section documents each variable.
 */

export const redisUrl = z
  .string()
  .regex(/^rediss?:\/\/\S+$/, { error: "expected a redis:// or rediss:// URL" });

const filePath = z.string().min(1);

const HOST_PORT = /^([A-Za-z0-9.-]{1,253}|\[[0-9A-Fa-f:.]{2,45}\]):(\d{1,5})$/;

/** REDIS_SENTINELS and REDIS_CLUSTER_NODES: comma-separated host:port ([v6]:port for IPv6). */
const hostPortList = (what: string) =>
  z
    .string()
    .transform((s) =>
      s
        .split(",")
        .map((e) => e.trim())
        .filter(Boolean),
    )
    .pipe(
      z
        .array(
          z.string().regex(HOST_PORT, { error: "expected host:port entries, comma-separated" }),
        )
        .min(1, { error: `expected at least one ${what}` }),
    )
    .transform((entries) =>
      entries.map((e) => {
        const at = e.lastIndexOf(":");
        return { host: e.slice(0, at).replace(/^\[|\]$/g, ""), port: Number(e.slice(at + 1)) };
      }),
    );

export const redisSettingsShape = {
  REDIS_URL: redisUrl.optional(),
  /** The cache's Redis when it is not the queues' (REDIS_URL otherwise). */
  CACHE_REDIS_URL: redisUrl.optional(),
  /** PEM file of the certificate authorities a rediss:// server's certificate must chain to. */
  REDIS_TLS_CA_FILE: filePath.optional(),
  /** PEM client certificate and its key, for servers that ask for one (tls-auth-clients). */
  REDIS_TLS_CERT_FILE: filePath.optional(),
  REDIS_TLS_KEY_FILE: filePath.optional(),
  /** Sentinels to ask for the master; REDIS_URL then gives only credentials, database and TLS. */
  REDIS_SENTINELS: hostPortList("sentinel").optional(),
  REDIS_SENTINEL_NAME: z.string().min(1).max(200).default("mymaster"),
  REDIS_SENTINEL_USERNAME: z.string().min(1).optional(),
  REDIS_SENTINEL_PASSWORD: z.string().min(1).optional(),
  /**
   * Some nodes of a Redis Cluster (the client finds the rest): Redrive then connects to the
   * Cluster, and REDIS_URL gives only credentials and TLS. Needs REDIS_KEY_STYLE=hashtag or
   * key names with one {tag} per queue (lib/cluster-keys.ts checks at start-up).
   */
  REDIS_CLUSTER_NODES: hostPortList("node").optional(),
  /**
   * The default queue key names: `plain` (`document_queue`, the Python backend's) or `hashtag`
   * (`{document}_queue`, `{document}_retry`, `{document}_dlq`: one Redis Cluster slot per queue).
   */
  REDIS_KEY_STYLE: z.enum(["plain", "hashtag"]).default("plain"),
  /**
   * The first part of every key Redrive keeps for itself (history, counters, tasks, audit,
   * sessions...), so that two deployments can share one Redis: `staging` gives `staging:audit`.
   */
  REDRIVE_KEY_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.{}-]{1,64}$/, {
      error: "expected up to 64 letters, digits and _ . { } - (no colon: Redrive adds it)",
    })
    .default("redrive"),
  /** Replicas that must confirm an admin's change before it is reported done (WAIT); see waitReplicas. */
  REDIS_WAIT_REPLICAS: int(0, 16).optional(),
  /** How long to wait for them; kept under the dashboard's 3 s command timeout. */
  REDIS_WAIT_TIMEOUT_MS: int(1, 2_000).default(1_000),
};

type RedisSettings = z.infer<z.ZodObject<typeof redisSettingsShape>>;

/** What the schema cannot say of one variable alone. */
export function redisSettingsProblems(s: RedisSettings): string[] {
  const problems: string[] = [];
  if (Boolean(s.REDIS_TLS_CERT_FILE) !== Boolean(s.REDIS_TLS_KEY_FILE)) {
    problems.push(
      "REDIS_TLS_CERT_FILE and REDIS_TLS_KEY_FILE: set both (a client certificate and its key) or neither",
    );
  }
  if (s.REDIS_CLUSTER_NODES && s.REDIS_SENTINELS) {
    problems.push(
      "REDIS_CLUSTER_NODES and REDIS_SENTINELS: set one (a Cluster, or a master Sentinel names)",
    );
  }
  const tlsFiles = s.REDIS_TLS_CA_FILE || s.REDIS_TLS_CERT_FILE;
  const urls = [s.REDIS_URL, s.CACHE_REDIS_URL].filter((u): u is string => Boolean(u));
  if (tlsFiles && urls.length > 0 && !urls.some((u) => u.startsWith("rediss://"))) {
    problems.push(
      "REDIS_TLS_*: TLS files are set but no Redis URL uses TLS; write rediss:// to connect with TLS",
    );
  }
  return problems;
}

/** The queues' Redis and the cache's, which are one server unless CACHE_REDIS_URL says otherwise. */
export function cacheRedisUrl(s: Pick<RedisSettings, "REDIS_URL" | "CACHE_REDIS_URL">) {
  return s.CACHE_REDIS_URL ?? s.REDIS_URL;
}

export class RedisTlsFileError extends Error {
  constructor(name: string, path: string, cause: unknown) {
    const why = (cause as { code?: string }).code ?? String(cause);
    super(`${name}: cannot read ${JSON.stringify(path)} (${why})`);
    this.name = "RedisTlsFileError";
  }
}

function readPem(name: string, path: string | undefined): Buffer | undefined {
  if (!path) return undefined;
  try {
    return readFileSync(path);
  } catch (error) {
    throw new RedisTlsFileError(name, path, error);
  }
}

/**
 * The TLS options for a URL: none for redis://; for rediss://, the CA and the
 * client certificate from the files named in the configuration (the system's
 * CAs when no CA file is set). The server's name is always verified.
 */
export function tlsOptionsFor(
  url: string,
  s: Pick<RedisSettings, "REDIS_TLS_CA_FILE" | "REDIS_TLS_CERT_FILE" | "REDIS_TLS_KEY_FILE">,
): ConnectionOptions | undefined {
  if (!url.startsWith("rediss://")) return undefined;
  const options: ConnectionOptions = {};
  const ca = readPem("REDIS_TLS_CA_FILE", s.REDIS_TLS_CA_FILE);
  const cert = readPem("REDIS_TLS_CERT_FILE", s.REDIS_TLS_CERT_FILE);
  const key = readPem("REDIS_TLS_KEY_FILE", s.REDIS_TLS_KEY_FILE);
  if (ca) options.ca = ca;
  if (cert && key) Object.assign(options, { cert, key });
  return options;
}

/** The user, password and database REDIS_URL names, when it only gives credentials (Sentinel, Cluster). */
function credentialsOf(s: RedisSettings): Pick<RedisOptions, "username" | "password" | "db"> {
  const url = s.REDIS_URL ? new URL(s.REDIS_URL) : null;
  const db = url ? Number(url.pathname.slice(1) || "0") : 0;
  return {
    username: url?.username ? decodeURIComponent(url.username) : undefined,
    password: url?.password ? decodeURIComponent(url.password) : undefined,
    db: Number.isInteger(db) ? db : 0,
  };
}

/** What ioredis needs to find the master through Sentinel; null when REDIS_SENTINELS is unset. */
export function sentinelOptions(s: RedisSettings): RedisOptions | null {
  if (!s.REDIS_SENTINELS) return null;
  const tls = s.REDIS_URL ? tlsOptionsFor(s.REDIS_URL, s) : undefined;
  return {
    sentinels: s.REDIS_SENTINELS,
    name: s.REDIS_SENTINEL_NAME,
    sentinelUsername: s.REDIS_SENTINEL_USERNAME,
    sentinelPassword: s.REDIS_SENTINEL_PASSWORD,
    ...credentialsOf(s),
    // Sentinels announce a failover on +switch-master: reconnect then, not at the next error.
    failoverDetector: true,
    ...(tls ? { tls, enableTLSForSentinelMode: true, sentinelTLS: tls } : {}),
  };
}

/**
 * The Cluster's seed nodes and what every node connection needs (credentials,
 * TLS); null when REDIS_CLUSTER_NODES is unset. A Cluster has one database.
 */
export function clusterSettings(
  s: RedisSettings,
): { nodes: { host: string; port: number }[]; redisOptions: RedisOptions } | null {
  if (!s.REDIS_CLUSTER_NODES) return null;
  const { username, password } = credentialsOf(s);
  const tls = s.REDIS_URL ? tlsOptionsFor(s.REDIS_URL, s) : undefined;
  return {
    nodes: s.REDIS_CLUSTER_NODES,
    redisOptions: { username, password, ...(tls ? { tls } : {}) },
  };
}

/**
 * How many replicas must confirm an admin's change: REDIS_WAIT_REPLICAS, else
 * 1 through Sentinel or on a Cluster (where a replica takes over a failed
 * master the same way), as Sentinel always has a replica to fail over to: without the
 * wait, a failover undid about one in three requeues an admin was told were
 * done, in tests/api/sentinel-failover.test.ts), else 0.
 */
export function waitReplicas(
  s: Pick<RedisSettings, "REDIS_WAIT_REPLICAS" | "REDIS_SENTINELS" | "REDIS_CLUSTER_NODES">,
) {
  return s.REDIS_WAIT_REPLICAS ?? (s.REDIS_SENTINELS || s.REDIS_CLUSTER_NODES ? 1 : 0);
}
