import { z } from "zod";
import { clearCache } from "@/lib/cache/clear";
import { isNamespace } from "@/lib/cache/namespaces";
import { HttpError } from "@/lib/http/errors";
import { ClearCacheResponseSchema } from "@/lib/http/responses";
import { adminMutation } from "@/lib/http/route";
import { documented } from "@/lib/http/route-doc";

const Query = z.object({
  namespace: z
    .string()
    .optional()
    .describe("A cache namespace (see the cache page); every namespace when absent."),
});

/** Clears every cache namespace, or `?namespace=`; never a queue, retry, DLQ or metadata key. */
export const DELETE = adminMutation(
  ClearCacheResponseSchema,
  "clear cache",
  async (request, ctx) => {
    const { namespace } = Query.parse(Object.fromEntries(new URL(request.url).searchParams));
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

documented(DELETE, {
  summary:
    "Deletes every cache namespace's keys, or one namespace's; never a queue, retry, DLQ or Redrive key.",
  query: Query,
  errors: [404],
});
