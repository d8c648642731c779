import { HttpError } from "@/lib/http/errors";
import { adminMutation, queueParam } from "@/lib/http/route";
import { SingleMessage } from "@/lib/http/schemas";

export const dynamic = "force-dynamic";

export const POST = adminMutation(
  "delete",
  async (_request, ctx, params: { queue: string; index: string }, body) => {
    const queue = queueParam(params.queue, ctx);
    if (!/^\d{1,9}$/.test(params.index))
      throw new HttpError(400, "INVALID", "index must be a whole number");
    const { identity } = SingleMessage.parse(body);
    await ctx.engine.deleteFromDlq(queue, Number(params.index), identity);
    return { body: { moved: [identity], missing: [] }, audit: { identities: [identity] } };
  },
);
