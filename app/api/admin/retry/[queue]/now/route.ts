import { RetryNowResponseSchema } from "@/lib/http/responses";
import { adminMutation } from "@/lib/http/route";
import { withQueue } from "@/lib/http/path-guards";
import { RetryNowBody as Body } from "@/lib/http/schemas";
import { documented } from "@/lib/http/route-doc";

/** "Retry now": one scheduled retry (identity + the rank it was listed at), or all of them. */
export const POST = adminMutation(
  RetryNowResponseSchema,
  "retry now",
  withQueue(async (_request, { engine, queue, body }) => {
    const parsed = Body.parse(body);
    if ("all" in parsed) {
      const moved = await engine.retryAllNow(queue);
      return { body: { moved }, audit: { count: moved, detail: "all scheduled retries" } };
    }
    await engine.retryNow(queue, parsed.rank, parsed.identity);
    return { body: { moved: 1 }, audit: { identities: [parsed.identity] } };
  }),
);

documented(POST, {
  summary: "Makes one scheduled retry (by identity and rank) or all of them due now.",
  body: Body,
  errors: [404, 409],
});
