import { createHash } from "node:crypto";
import type { Config } from "../config";

/**
 * The Python backend's cache namespaces: key prefix, TTL setting, and the key builders
 * its backend uses. Everything that decides "is this a cache key?" reads this
 * table, so a queue, retry, DLQ or metadata key can never be mistaken for one.
 */
export const NAMESPACES = {
  user: { prefix: "user:", ttl: "CACHE_USER_TTL", label: "User authentication" },
  job_status: { prefix: "job:status:", ttl: "CACHE_JOB_STATUS_TTL", label: "Job status" },
  doc_summary: { prefix: "doc:summary:", ttl: "CACHE_DOCUMENT_TTL", label: "Document summaries" },
  vector_search: {
    prefix: "vector:search:",
    ttl: "CACHE_VECTOR_SEARCH_TTL",
    label: "Vector search",
  },
  graph: { prefix: "graph:", ttl: "CACHE_GRAPH_TTL", label: "Knowledge graphs" },
  user_lists: { prefix: "users:", ttl: "CACHE_USER_LIST_TTL", label: "User lists" },
} as const satisfies Record<string, { prefix: string; ttl: keyof Config; label: string }>;

export type Namespace = keyof typeof NAMESPACES;
export const NAMESPACE_NAMES = Object.keys(NAMESPACES) as Namespace[];

/** Counters and inspection file keys outside every namespace under this name. */
export const OTHER = "other";

/** The namespace a key belongs to, or null for keys that are not cache keys. */
export function namespaceOf(key: string): Namespace | null {
  for (const name of NAMESPACE_NAMES) {
    if (key.startsWith(NAMESPACES[name].prefix)) return name;
  }
  return null;
}

export function isNamespace(name: string): name is Namespace {
  return Object.hasOwn(NAMESPACES, name);
}

/** The TTL in seconds for a key: its namespace's setting, else CACHE_DEFAULT_TTL. */
export function ttlFor(config: Config, key: string): number {
  const ns = namespaceOf(key);
  return ns ? (config[NAMESPACES[ns].ttl] as number) : config.CACHE_DEFAULT_TTL;
}

/** A short stable hash, for keys built from free text or id lists (the Python backend's hash()). */
export function shortHash(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, 16);
}

/** Key builders, one per key of the Python backend's layout. */
export const cacheKeys = {
  user: (userId: string | number) => `user:${userId}`,
  jobStatus: (jobId: string) => `job:status:${jobId}`,
  docSummary: (documentId: string | number) => `doc:summary:${documentId}`,
  vectorSearch: (query: string, jobId: string) => `vector:search:${shortHash(query)}:${jobId}`,
  /** doc ids are sorted first, so the same set in any order is one key. */
  graph: (jobId: string, docIds: readonly (string | number)[]) =>
    `graph:${jobId}:${shortHash([...docIds].map(String).sort().join(","))}`,
  managers: () => "users:managers",
  analysts: (managerId: string | number) => `users:analysts:${managerId}`,
};

/** Escapes Redis glob characters so that an id is matched literally by SCAN MATCH. */
export function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}
