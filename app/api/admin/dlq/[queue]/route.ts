import { z } from "zod";
import { searchDlq } from "@/lib/queues/dlq-read";
import { forList } from "@/lib/http/dlq-list";
import { DlqPageResponseSchema } from "@/lib/http/responses";
import { shared } from "@/lib/http/shared-read";
import { adminRead } from "@/lib/http/route";
import { withQueue } from "@/lib/http/path-guards";
import { redactorFor } from "@/lib/queues/redact";
import type { DlqMessage } from "@/lib/queues/types";
import { documented } from "@/lib/http/route-doc";

const Query = z.object({
  offset: z.coerce.number().int().min(0).max(1e9).default(0),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  q: z.string().max(200).optional(),
});

export const GET = adminRead(
  DlqPageResponseSchema,
  shared(
    withQueue(async (request, ctx) => {
      const { queue } = ctx;
      const query = Query.parse(Object.fromEntries(new URL(request.url).searchParams));
      // A viewer's filter looks in what the viewer sees, so a match never tells a masked value.
      const redactor = redactorFor(ctx.config, ctx.user);
      const show = redactor ? (m: DlqMessage) => forList(redactor.view(m)) : forList;
      const page = { queue, offset: query.offset, limit: query.limit };
      if (query.q) {
        const total = await ctx.engine.getDlqCount(queue);
        const found = await searchDlq(
          ctx.engine.ctx,
          queue,
          query.q,
          query.offset,
          query.limit,
          undefined,
          redactor ? (e) => redactor.searchText(e) : undefined,
        );
        return {
          body: {
            ...page,
            total,
            messages: found.messages.map(show),
            filter: {
              q: query.q,
              scanned: found.scanned,
              complete: found.complete,
              nextOffset: found.nextOffset,
            },
          },
        };
      }
      // Sent together: one round trip to Redis instead of two, since neither waits for the other.
      const [total, messages] = await Promise.all([
        ctx.engine.getDlqCount(queue),
        ctx.engine.getDlqMessages(queue, query.offset, query.limit),
      ]);
      return { body: { ...page, total, messages: messages.map(show) } };
    }),
  ),
);

documented(GET, {
  summary:
    "A page of a queue's DLQ, newest first; with `q`, the messages containing that text (a bounded scan).",
  query: Query,
  errors: [404],
});
