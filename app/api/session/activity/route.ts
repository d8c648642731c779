import { touchSession } from "@/lib/auth/sessions";
import { sessionAction } from "@/lib/http/session-routes";

export const dynamic = "force-dynamic";

/** The page reports that its user did something: the idle timeout starts again. */
export const POST = sessionAction(async ({ redis }, user) => {
  await touchSession(redis, user.sid);
  return { ok: true };
});
