/** Response shapes of cache inspection, shared by the API and the UI. */

export interface ServerCacheStats {
  /** keyspace hits / (hits + misses) between two INFO samples; null until there is a window. */
  hitRate: number | null;
  windowSeconds: number | null;
  windowHits: number | null;
  windowMisses: number | null;
  /** The same ratio since Redis started (or since CONFIG RESETSTAT). */
  lifetimeHitRate: number | null;
  evictionsPerSecond: number | null;
  expirationsPerSecond: number | null;
  usedMemory: number;
  peakMemory: number;
  /** 0 means no limit. */
  maxMemory: number;
  fragmentationRatio: number;
  evictionPolicy: string;
  keys: number;
  expires: number;
  /** Redis's own estimate over keys with a TTL. */
  avgTtlSeconds: number | null;
}

export interface NamespaceStats {
  namespace: string;
  label: string;
  prefix: string | null;
  ttlSeconds: number | null;
  /** Extrapolated from the SCAN sample (exact when the sample covered every key). */
  estimatedKeys: number;
  /**
   * null for the keys outside every namespace and Redrive's own: their memory
   * is not read, since a least-privilege Redis user may not read them.
   */
  estimatedBytes: number | null;
  /** Shared counters (redrive:cache:stats) since they were created. */
  hits: number;
  misses: number;
  hitRate: number | null;
}

export interface TopKey {
  key: string;
  namespace: string;
  bytes: number;
}

export interface CacheOverview {
  /** When the SCAN + MEMORY USAGE sample was taken (it is reused for up to a minute). */
  sampledAt: number;
  server: ServerCacheStats;
  namespaces: NamespaceStats[];
  /** Redrive's own keys, shown apart so their memory is not mistaken for cache. */
  redriveKeys: NamespaceStats;
  topKeys: TopKey[];
  /** The sample's size and DBSIZE when it was taken. */
  sample: { scanned: number; dbsize: number; exact: boolean };
}
