import { endAllSessions } from "@/lib/auth/sessions";
import { sessionAction } from "@/lib/http/session-routes";

export const dynamic = "force-dynamic";

/** Sign out everywhere: every session of the caller, on every browser, ends now. */
export const POST = sessionAction(async ({ redis, config }, user) => {
  await endAllSessions(redis, config, user.name);
  return { ok: true };
});
