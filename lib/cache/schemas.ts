import { z } from "zod";

/**
 * Response shapes of cache inspection, declared once (./types.ts infers the
 * types from them). Strict objects: an undeclared field is a mismatch when
 * REDRIVE_CHECK_RESPONSES is on. INFO figures are parsed with Number(), so
 * they are plain numbers; the sample's counts are counted here.
 */

const count = z.number().int().nonnegative();

export const ServerCacheStatsSchema = z.strictObject({
  hitRate: z
    .number()
    .nullable()
    .describe(
      "Keyspace hits / (hits + misses) between two INFO samples; null until there is a window.",
    ),
  windowSeconds: z.number().nullable(),
  windowHits: z.number().nullable(),
  windowMisses: z.number().nullable(),
  lifetimeHitRate: z
    .number()
    .nullable()
    .describe("The same ratio since Redis started (or since CONFIG RESETSTAT)."),
  evictionsPerSecond: z.number().nullable(),
  expirationsPerSecond: z.number().nullable(),
  usedMemory: z.number(),
  peakMemory: z.number(),
  maxMemory: z.number().describe("0 means no limit."),
  fragmentationRatio: z.number(),
  evictionPolicy: z.string(),
  keys: z.number(),
  expires: z.number(),
  avgTtlSeconds: z.number().nullable().describe("Redis's own estimate over keys with a TTL."),
});

export const NamespaceStatsSchema = z.strictObject({
  namespace: z.string(),
  label: z.string(),
  prefix: z.string().nullable(),
  ttlSeconds: z.number().nullable(),
  estimatedKeys: count.describe(
    "Extrapolated from the SCAN sample (exact when the sample covered every key).",
  ),
  estimatedBytes: z
    .number()
    .nullable()
    .describe(
      "null for the keys outside every namespace and Redrive's own (their memory is not read, since a least-privilege Redis user may not read them), and for every row when the Redis user may not run MEMORY USAGE.",
    ),
  hits: z.number().describe("Shared counters (redrive:cache:stats) since they were created."),
  misses: z.number(),
  hitRate: z.number().nullable(),
});

export const TopKeySchema = z.strictObject({
  key: z.string(),
  namespace: z.string(),
  bytes: z.number(),
});

export const CacheOverviewSchema = z.strictObject({
  sampledAt: z
    .number()
    .describe(
      "When the SCAN + MEMORY USAGE sample was taken, epoch seconds (it is reused for up to a minute).",
    ),
  server: ServerCacheStatsSchema,
  namespaces: z.array(NamespaceStatsSchema),
  redriveKeys: NamespaceStatsSchema.describe(
    "Redrive's own keys, shown apart so their memory is not mistaken for cache.",
  ),
  topKeys: z.array(TopKeySchema),
  sample: z
    .strictObject({ scanned: count, dbsize: count, exact: z.boolean() })
    .describe("The sample's size and DBSIZE when it was taken."),
});
