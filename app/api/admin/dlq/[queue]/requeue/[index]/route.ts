import { z } from "zod";
import { adminMutation, queueParam } from "@/lib/http/route";
import { HttpError } from "@/lib/http/errors";

export const dynamic = "force-dynamic";

const Body = z.object({ identity: z.string().min(3).max(200) });

/** The seed's endpoint: the body names the message the admin saw at that index. */
export const POST = adminMutation(
  "requeue",
  async (_request, ctx, params: { queue: string; index: string }, body) => {
    const queue = queueParam(params.queue, ctx);
    if (!/^\d{1,9}$/.test(params.index))
      throw new HttpError(400, "INVALID", "index must be a whole number");
    const { identity } = Body.parse(body);
    await ctx.engine.requeueFromDlq(queue, Number(params.index), identity);
    return { body: { moved: [identity], missing: [] }, audit: { identities: [identity] } };
  },
);
