/**
 * Response shapes of cache inspection, shared by the API and the UI: inferred
 * from ./schemas.ts with type-only imports, so that zod stays out of the
 * browser bundle.
 */
import type { z } from "zod";
import type {
  CacheOverviewSchema,
  NamespaceStatsSchema,
  ServerCacheStatsSchema,
  TopKeySchema,
} from "./schemas";

export type ServerCacheStats = z.infer<typeof ServerCacheStatsSchema>;

export type NamespaceStats = z.infer<typeof NamespaceStatsSchema>;

export type TopKey = z.infer<typeof TopKeySchema>;

export type CacheOverview = z.infer<typeof CacheOverviewSchema>;
