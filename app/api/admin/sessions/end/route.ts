import { z } from "zod";
import { endAllSessions } from "@/lib/auth/sessions";
import { EndSessionsResponseSchema } from "@/lib/http/responses";
import { adminMutation } from "@/lib/http/route";
import { documented } from "@/lib/http/route-doc";

const Body = z.object({ user: z.string().min(1).max(200) });

/**
 * Ends every session of a user, on every browser (an admin's "sign out
 * everywhere" for someone else: a lost laptop, a leaver), audited.
 */
export const POST = adminMutation(
  EndSessionsResponseSchema,
  "end sessions",
  async (_request, ctx) => {
    const { user } = Body.parse(ctx.body);
    await endAllSessions(ctx.redis, ctx.config, user);
    return { body: { user }, audit: { detail: `user ${user}` } };
  },
);

documented(POST, { summary: "Ends every session of a user, on every browser.", body: Body });
