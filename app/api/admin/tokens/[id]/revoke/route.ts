import { revokeToken } from "@/lib/auth/tokens";
import { RevokedTokenResponseSchema } from "@/lib/auth/token-schemas";
import { HttpError } from "@/lib/http/errors";
import { adminMutation } from "@/lib/http/route";
import { documented } from "@/lib/http/route-doc";

/**
 * Revokes a token: every dashboard instance refuses it from the next request
 * on. An admin token may revoke one too (a runbook's "revoke the leaked token").
 */
export const POST = adminMutation(RevokedTokenResponseSchema, "revoke token", async (_r, ctx) => {
  const id = ctx.params.id ?? "";
  if (!/^[0-9a-f]{12}$/.test(id) || !(await revokeToken(ctx.redis, ctx.config, id))) {
    throw new HttpError(404, "TOKEN_NOT_FOUND", "No token has this id");
  }
  return { body: { id }, audit: { detail: `token ${id}` } };
});

documented(POST, {
  summary: "Revokes an API token at once, on every dashboard instance.",
  errors: [404],
});
