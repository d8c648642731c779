import type { RedisCache } from "./cache";
import { cacheKeys, escapeGlob } from "./namespaces";

/** The Python backend's invalidation rules ("Cache Invalidation"): call them where the data changes. */
export const invalidate = {
  user: (cache: RedisCache, userId: string | number) => cache.delete(cacheKeys.user(userId)),
  jobStatus: (cache: RedisCache, jobId: string) => cache.delete(cacheKeys.jobStatus(jobId)),
  document: (cache: RedisCache, documentId: string | number) =>
    cache.delete(cacheKeys.docSummary(documentId)),
  /** Every graph of a job, whatever its document set: graph:{job_id}:* */
  graph: (cache: RedisCache, jobId: string) => cache.deletePattern(`graph:${escapeGlob(jobId)}:*`),
  /** The user lists an admin dashboard shows. */
  userLists: (cache: RedisCache, managerId?: string | number) =>
    cache.delete(
      cacheKeys.managers(),
      ...(managerId === undefined ? [] : [cacheKeys.analysts(managerId)]),
    ),
};
