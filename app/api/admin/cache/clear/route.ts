import { clearCache } from "@/lib/cache/clear";
import { isNamespace } from "@/lib/cache/namespaces";
import { HttpError } from "@/lib/http/errors";
import { ClearCacheResponseSchema } from "@/lib/http/responses";
import { adminMutation } from "@/lib/http/route";

/** Clears every cache namespace, or `?namespace=`; never a queue, retry, DLQ or metadata key. */
export const DELETE = adminMutation(
  ClearCacheResponseSchema,
  "clear cache",
  async (request, ctx) => {
    const namespace = new URL(request.url).searchParams.get("namespace") ?? undefined;
    if (namespace !== undefined && !isNamespace(namespace)) {
      throw new HttpError(
        404,
        "UNKNOWN_NAMESPACE",
        `Unknown cache namespace ${JSON.stringify(namespace.slice(0, 100))}`,
      );
    }
    const deleted = await clearCache(ctx.cacheRedis, ctx.config, namespace);
    const count = Object.values(deleted).reduce((a, b) => a + b, 0);
    return { body: { deleted, count }, audit: { count, detail: namespace ?? "all namespaces" } };
  },
);
