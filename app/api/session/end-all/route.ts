import { endAllSessions } from "@/lib/auth/sessions";
import { sessionAction } from "@/lib/http/route";

/** Sign out everywhere: every session of the caller, on every browser, ends now. */
export const POST = sessionAction(async (_request, { redis, config, user }) => {
  await endAllSessions(redis, config, user.name);
  return { body: { ok: true } };
});
