import { touchSession } from "@/lib/auth/sessions";
import { OkResponseSchema } from "@/lib/http/responses";
import { sessionAction } from "@/lib/http/route";
import { documented } from "@/lib/http/route-doc";

/** The page reports that its user did something: the idle timeout starts again. */
export const POST = sessionAction(OkResponseSchema, async (_request, { redis, config, user }) => {
  await touchSession(redis, config, user.sid);
  return { body: { ok: true as const } };
});

documented(POST, { summary: "Notes the caller's activity (the idle timeout starts again)." });
