import { endAllSessions } from "@/lib/auth/sessions";
import { OkResponseSchema } from "@/lib/http/responses";
import { sessionAction } from "@/lib/http/route";
import { documented } from "@/lib/http/route-doc";

/** Sign out everywhere: every session of the caller, on every browser, ends now. */
export const POST = sessionAction(OkResponseSchema, async (_request, { redis, config, user }) => {
  await endAllSessions(redis, config, user.name);
  return { body: { ok: true as const } };
});

documented(POST, { summary: "Ends every session of the caller, on every browser." });
