import { z } from "zod";
import { GLOBS_MAX, QUEUE_GLOB } from "../access";

/** A new token's life when none is asked for, and the longest one allowed (days). */
export const EXPIRY_DAYS_DEFAULT = 90;
export const EXPIRY_DAYS_MAX = 365;

/** Letters, digits, spaces and `_ . -`: names shown in lists and audit entries as they are. */
const TOKEN_NAME = /^[A-Za-z0-9 _.-]{1,64}$/;

/** POST /api/admin/tokens: what the new token may do and for how long. */
export const CreateTokenBodySchema = z.strictObject({
  name: z
    .string()
    .trim()
    .regex(TOKEN_NAME, "1 to 64 letters, digits, spaces, _, . or -")
    .describe("Unique among live tokens; audit entries name the token by it."),
  role: z.enum(["viewer", "admin"]),
  queues: z
    .array(z.string().regex(QUEUE_GLOB, "a queue name or a glob of a-z, 0-9, _, -, * and ?"))
    .min(1)
    .max(GLOBS_MAX)
    .nullable()
    .default(null)
    .describe("Queue names or globs the token may touch; null (the default) for every queue."),
  expiresInDays: z
    .number()
    .int()
    .min(1)
    .max(EXPIRY_DAYS_MAX)
    .default(EXPIRY_DAYS_DEFAULT)
    .describe(
      `Days until it expires (default ${EXPIRY_DAYS_DEFAULT}, at most ${EXPIRY_DAYS_MAX}).`,
    ),
});

export const TokenViewSchema = z.strictObject({
  id: z.string().describe("Names the token; part of it, not its secret."),
  name: z.string(),
  role: z.enum(["viewer", "admin"]),
  queues: z.array(z.string()).nullable(),
  createdBy: z.string(),
  createdAt: z.number().describe("Epoch seconds."),
  expiresAt: z.number().describe("Epoch seconds; an expired token is refused and listed 30 days."),
  expired: z.boolean().describe("Whether it had expired when listed."),
  lastUsedAt: z.number().nullable().describe("Epoch seconds, to the minute; null when never used."),
});

/** GET /api/admin/tokens. */
export const TokensResponseSchema = z.strictObject({
  tokens: z.array(TokenViewSchema).describe("Newest first."),
  max: z.number().int().describe("The most tokens kept, expired ones included."),
});

/** POST /api/admin/tokens: 201. */
export const CreatedTokenResponseSchema = z.strictObject({
  token: z.string().describe("The token itself: shown this once, never stored."),
  record: TokenViewSchema,
});

/** POST /api/admin/tokens/{id}/revoke. */
export const RevokedTokenResponseSchema = z.strictObject({ id: z.string() });
