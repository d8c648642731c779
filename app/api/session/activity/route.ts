import { touchSession } from "@/lib/auth/sessions";
import { OkResponseSchema } from "@/lib/http/responses";
import { sessionAction } from "@/lib/http/route";

/** The page reports that its user did something: the idle timeout starts again. */
export const POST = sessionAction(OkResponseSchema, async (_request, { redis, config, user }) => {
  await touchSession(redis, config, user.sid);
  return { body: { ok: true as const } };
});
