/** The cache page's side of the admin API: its views hold no URL and no response shape. */
"use client";

import useSWR from "swr";
import type { CacheOverview, ClearCacheResponse } from "@/lib/http/types";
import { apiPath, deleteJson } from "../api";

export const CACHE_STATS_PATH = "/api/admin/cache/stats";

/** Every cache namespace, or only `namespace`. */
export function clearCachePath(namespace?: string): string {
  return apiPath("/api/admin/cache/clear", { namespace });
}

/** Server figures, namespaces and top keys, polled with the dashboard's interval. */
export function useCacheStats() {
  return useSWR<CacheOverview>(CACHE_STATS_PATH);
}

/** Deletes every cache namespace's keys, or one namespace's; queue and Redrive keys never. */
export function clearCache(namespace?: string): Promise<ClearCacheResponse> {
  return deleteJson<ClearCacheResponse>(clearCachePath(namespace));
}
