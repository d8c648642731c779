import { z } from "zod";
import { HttpError } from "@/lib/http/errors";
import { DlqMessageResponseSchema } from "@/lib/http/responses";
import { adminRead } from "@/lib/http/route";
import { withQueue } from "@/lib/http/path-guards";
import { Identity } from "@/lib/http/schemas";
import { redactorFor } from "@/lib/queues/redact";
import { documented } from "@/lib/http/route-doc";

const Query = z.object({ identity: Identity });
const Index = z.coerce.number().int().min(0).max(1e9);

/** One entry whole (lists cut large ones): at its index, or wherever it moved; 404 when gone. */
export const GET = adminRead(
  DlqMessageResponseSchema,
  withQueue(async (request, ctx) => {
    const { queue } = ctx;
    const index = Index.parse(ctx.params.index);
    const { identity } = Query.parse(Object.fromEntries(new URL(request.url).searchParams));
    const message = await ctx.engine.getDlqMessage(queue, index, identity);
    if (!message) throw new HttpError(404, "NOT_FOUND", "This message is no longer in the DLQ");
    const redactor = redactorFor(ctx.config, ctx.user);
    return { body: { queue, message: redactor ? redactor.view(message) : message } };
  }),
);

documented(GET, {
  summary: "One dead letter whole (up to 16 MB), checked against its identity.",
  query: Query,
  errors: [404, 413],
});
