import "server-only";
import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from "node:crypto";
import type { QueueGrant, Role } from "../access";
import type { Config } from "../config";
import { ownKey, type KeyPrefix } from "../own-keys";
import type { RedisClient } from "../redis/client";
import { runScript } from "../redis/scripts";

/**
 * API tokens: how scripts, cron jobs and the `redrive` command line call the
 * admin API without a browser session. An admin of every queue creates one
 * with a name, a role, an expiry and optionally the queues it may touch; its
 * secret is shown once.
 *
 * A token is `rdv_<id>_<secret>`: the id (12 hex digits) names its record and
 * may be shown; the secret is 32 random bytes. Redis keeps only a keyed hash
 * of the whole token (HMAC-SHA256 with a key derived from NEXTAUTH_SECRET): a
 * token is long and random, so a fast hash suffices where a password needs a
 * slow one, and a copy of Redis alone cannot be turned back into tokens.
 * Every request reads the record (one HGET), so a revoked or expired token is
 * refused at once by every dashboard instance; nothing is cached.
 *
 * HASH <prefix>:{tokens}       field <id> -> TokenRecord as JSON
 * HASH <prefix>:{tokens}:used  field <id> -> epoch seconds it was last used
 * (one hash tag: on a Cluster both are in one slot, for createToken-2.lua).
 */
export const tokensKey = (c: KeyPrefix) => ownKey(c, "{tokens}");
export const tokensUsedKey = (c: KeyPrefix) => ownKey(c, "{tokens}:used");

export const TOKEN_PREFIX = "rdv_";
/** No overlapping quantifiers: fixed-length runs of disjoint classes. */
const TOKEN_SHAPE = /^rdv_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

/** Tokens kept at most (live and expired): a listing stays one small read. */
export const TOKENS_MAX = 500;
/** A token's last use is written at most this often per process (a script's every call would write). */
const USED_WRITE_SECONDS = 60;
/** An expired token stays listed this long (seconds), then the next creation drops it. */
const EXPIRED_LISTED_SECONDS = 30 * 86_400;

/** What Redis keeps of a token. */
export interface TokenRecord {
  id: string;
  name: string;
  role: Role;
  /** Globs of the queues it may touch; null for every queue. */
  queues: string[] | null;
  createdBy: string;
  /** Epoch seconds. */
  createdAt: number;
  expiresAt: number;
  /** HMAC-SHA256 of the whole token, hex. */
  hash: string;
}

/** A token as listed: its record without the hash, and when it was last used. */
export type TokenView = Omit<TokenRecord, "hash"> & { lastUsedAt: number | null; expired: boolean };

/** Who acts when a request carries a token (SessionUser.token). */
export interface TokenActor {
  id: string;
  createdBy: string;
}

const DAY = 86_400;

/** The HMAC key, derived once per secret (a rotated NEXTAUTH_SECRET derives another). */
let derived: { secret: string; key: Buffer } | undefined;

function hashKey(config: Config): Buffer {
  const secret = config.NEXTAUTH_SECRET;
  if (!secret) throw new Error("NEXTAUTH_SECRET is required for API tokens");
  if (derived?.secret !== secret) {
    derived = {
      secret,
      key: Buffer.from(hkdfSync("sha256", secret, "redrive", "api token hash", 32)),
    };
  }
  return derived.key;
}

function hashOf(config: Config, token: string): string {
  return createHmac("sha256", hashKey(config)).update(token).digest("hex");
}

export interface NewToken {
  name: string;
  role: Role;
  queues: string[] | null;
  expiresInDays: number;
  createdBy: string;
}

export type CreateOutcome =
  { ok: true; token: string; view: TokenView } | { ok: false; reason: "name-taken" | "too-many" };

/**
 * A new token, stored unless another live token has its name or TOKENS_MAX
 * are kept (checked and stored in one script, createToken-2.lua).
 */
export async function createToken(
  redis: RedisClient,
  config: Config,
  input: NewToken,
  now: number,
): Promise<CreateOutcome> {
  for (let attempt = 0; ; attempt++) {
    const outcome = await tryCreate(redis, config, input, now);
    if (outcome !== "collision" || attempt >= 2)
      return outcome === "collision" ? { ok: false, reason: "too-many" } : outcome;
  }
}

async function tryCreate(
  redis: RedisClient,
  config: Config,
  input: NewToken,
  now: number,
): Promise<CreateOutcome | "collision"> {
  const id = randomBytes(6).toString("hex");
  const token = `${TOKEN_PREFIX}${id}_${randomBytes(32).toString("base64url")}`;
  const createdAt = Math.floor(now);
  const record: TokenRecord = {
    id,
    name: input.name,
    role: input.role,
    queues: input.queues,
    createdBy: input.createdBy,
    createdAt,
    expiresAt: createdAt + input.expiresInDays * DAY,
    hash: hashOf(config, token),
  };
  const reply = await runScript(
    redis,
    "createToken",
    [tokensKey(config), tokensUsedKey(config)],
    [id, JSON.stringify(record), input.name, TOKENS_MAX, createdAt, EXPIRED_LISTED_SECONDS],
  );
  if (reply === "ok") return { ok: true, token, view: viewOf(record, null, now) };
  if (reply === "collision") return "collision";
  return { ok: false, reason: reply === "taken" ? "name-taken" : "too-many" };
}

/** Every kept token, newest first, expired ones too (they say so). */
export async function listTokens(
  redis: RedisClient,
  config: Config,
  now: number,
): Promise<TokenView[]> {
  const [records, used] = await Promise.all([
    redis.hgetall(tokensKey(config)),
    redis.hgetall(tokensUsedKey(config)),
  ]);
  return Object.values(records)
    .flatMap((text) => {
      const record = parseRecord(text);
      return record ? [viewOf(record, Number(used[record.id]) || null, now)] : [];
    })
    .sort((a, b) => b.createdAt - a.createdAt);
}

/** Revokes a token; false when there was none by that id. */
export async function revokeToken(redis: RedisClient, config: Config, id: string) {
  const [[error, removed] = []] =
    (await redis.multi().hdel(tokensKey(config), id).hdel(tokensUsedKey(config), id).exec()) ?? [];
  if (error) throw error;
  return Number(removed) > 0;
}

/** The token a request presents, when it has the shape of one; its record, when it is live. */
export async function tokenRecord(
  redis: RedisClient,
  config: Config,
  token: string,
  now: number,
): Promise<TokenRecord | null> {
  const match = TOKEN_SHAPE.exec(token);
  if (!match) return null;
  const record = parseRecord(await redis.hget(tokensKey(config), match[1]!));
  if (!record || record.expiresAt <= now) return null;
  const presented = Buffer.from(hashOf(config, token), "hex");
  const kept = Buffer.from(record.hash, "hex");
  if (kept.length !== presented.length || !timingSafeEqual(kept, presented)) return null;
  await noteUse(redis, config, record.id, now);
  return record;
}

/** The grants a token acts with. */
export function tokenGrants(record: TokenRecord): QueueGrant[] {
  return [{ role: record.role, queues: record.queues }];
}

const lastWritten = new Map<string, number>();

async function noteUse(redis: RedisClient, config: Config, id: string, now: number) {
  const written = lastWritten.get(id);
  if (written !== undefined && now - written < USED_WRITE_SECONDS) return;
  if (lastWritten.size >= TOKENS_MAX * 2) lastWritten.clear();
  lastWritten.set(id, now);
  await redis.hset(tokensUsedKey(config), id, String(Math.floor(now)));
}

function viewOf(record: TokenRecord, lastUsedAt: number | null, now: number): TokenView {
  const { hash: _hash, ...rest } = record;
  return { ...rest, lastUsedAt, expired: record.expiresAt <= now };
}

/** A stored record with every field of its type, or null (another writer's or a damaged one). */
function parseRecord(text: string | null | undefined): TokenRecord | null {
  if (!text) return null;
  try {
    const r = JSON.parse(text) as Partial<TokenRecord>;
    const fields = [r.id, r.name, r.createdBy, r.hash];
    if (fields.some((f) => typeof f !== "string")) return null;
    if (r.role !== "admin" && r.role !== "viewer") return null;
    if (typeof r.createdAt !== "number" || typeof r.expiresAt !== "number") return null;
    const queues = r.queues === null ? null : Array.isArray(r.queues) ? r.queues : undefined;
    if (queues === undefined || queues?.some((q) => typeof q !== "string")) return null;
    return r as TokenRecord;
  } catch {
    return null;
  }
}
