import { adminMutation, queueParam } from "@/lib/http/route";
import { Selection } from "@/lib/http/schemas";

export const dynamic = "force-dynamic";

/** Requeue selected messages, named by identity (and the index the admin saw). */
export const POST = adminMutation(
  "requeue selected",
  async (_request, ctx, params: { queue: string }, body) => {
    const queue = queueParam(params.queue, ctx);
    const { messages } = Selection.parse(body);
    const result = await ctx.engine.requeueMany(queue, messages);
    return {
      body: result,
      audit: {
        identities: result.moved,
        count: result.moved.length,
        detail: result.missing.length ? `${result.missing.length} missing` : undefined,
      },
    };
  },
);
