import { createToken, listTokens, TOKENS_MAX } from "@/lib/auth/tokens";
import {
  CreatedTokenResponseSchema,
  CreateTokenBodySchema,
  TokensResponseSchema,
} from "@/lib/auth/token-schemas";
import { HttpError } from "@/lib/http/errors";
import { adminMutation, adminRead, withoutToken } from "@/lib/http/route";
import { documented } from "@/lib/http/route-doc";

/**
 * API tokens (lib/auth/tokens.ts), managed by an admin of every queue (a route
 * of no queue: the role here is the one over every queue). Listing (no secret
 * is ever listed) and revoking take an admin token too, for scripts that check
 * expiries or revoke a leaked token; only a dashboard session creates one: a
 * token that leaked must not mint others that outlive its revocation.
 */
export const GET = adminRead(TokensResponseSchema, async (_request, ctx) => {
  if (ctx.user.role !== "admin")
    throw new HttpError(403, "FORBIDDEN", "Only admins of every queue manage tokens");
  const tokens = await listTokens(ctx.redis, ctx.config, Date.now() / 1000);
  return { body: { tokens, max: TOKENS_MAX } };
});

export const POST = adminMutation(
  CreatedTokenResponseSchema,
  "create token",
  withoutToken(async (_r, ctx) => {
    const input = CreateTokenBodySchema.parse(ctx.body);
    const outcome = await createToken(
      ctx.redis,
      ctx.config,
      { ...input, createdBy: ctx.user.name },
      Date.now() / 1000,
    );
    if (!outcome.ok) {
      throw outcome.reason === "name-taken"
        ? new HttpError(409, "TOKEN_NAME_TAKEN", `A live token is already named ${input.name}`)
        : new HttpError(409, "TOO_MANY_TOKENS", `At most ${TOKENS_MAX} tokens are kept`);
    }
    const { view } = outcome;
    const scope = view.queues ? view.queues.join("|") : "every queue";
    return {
      status: 201,
      body: { token: outcome.token, record: view },
      audit: { detail: `token ${view.id} "${view.name}": ${view.role} of ${scope}` },
    };
  }),
);

documented(GET, {
  summary: "Every kept API token, newest first (never a secret); an admin of every queue.",
});
documented(POST, {
  summary: "Creates an API token; its secret is in this answer only. Sessions only.",
  sessionsOnly: true,
  body: CreateTokenBodySchema,
  status: 201,
  errors: [409],
});
