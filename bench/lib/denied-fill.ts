import type Redis from "ioredis";
import { deniedMinuteKey } from "../../lib/audit/denied";

const DEFAULT_PREFIX = { REDRIVE_KEY_PREFIX: "redrive" };
import { prng } from "./load";

/**
 * Denied-request counts as lib/audit/denied.ts keeps them (one hash per
 * minute, `redrive:audit:denied:<epoch-minute>`, field `["user","action"]`,
 * value the count), written straight to Redis: `rows` (minute, user, action)
 * counts spread evenly over the last 23 hours, so that all of them stay in
 * GET /api/admin/audit/denied?minutes=1440's day for an hour after the fill.
 * Deterministic: the same rows on every run.
 */

/** Viewers and read-only displays (their 403s), and admins (their cross-site attempts). */
const USERS = [
  "ana.souza",
  "ben.okafor",
  "chloe.martin",
  "dev-readonly",
  "display-noc",
  "emre.yilmaz",
  "fatima.zahra",
  "grafana-kiosk",
  "hiro.tanaka",
  "ivan.petrov",
  "julia.weber",
  "kofi.mensah",
];

/** The audited actions of the admin API (adminMutation's names). */
const ACTIONS = [
  "requeue",
  "delete",
  "requeue selected",
  "delete selected",
  "requeue error group",
  "delete error group",
  "purge",
  "retry now",
  "redrive task",
  "cancel redrive task",
  "mark reviewed",
  "clear cache",
  "end sessions",
];

/** The newest minute written is this many minutes ago, the oldest FIRST + SPAN - 1. */
const FIRST_MINUTE_AGO = 2;
const SPAN_MINUTES = 23 * 60;
const MINUTE_MS = 60_000;

export interface DeniedSeedRow {
  /** Epoch minute. */
  minute: number;
  user: string;
  action: string;
  count: number;
}

/** `rows` rows: minutes evenly spread, distinct (user, action) within a minute, counts mostly small. */
export function deniedRows(rows: number, now = Date.now()): DeniedSeedRow[] {
  const pairs = USERS.length * ACTIONS.length;
  const newest = Math.floor(now / MINUTE_MS) - FIRST_MINUTE_AGO;
  const rand = prng(rows);
  const taken = new Map<number, Set<number>>();
  const out: DeniedSeedRow[] = [];
  for (let i = 0; i < rows; i++) {
    const minute = newest - Math.floor((i * SPAN_MINUTES) / rows);
    const used = taken.get(minute) ?? new Set<number>();
    taken.set(minute, used);
    if (used.size >= pairs) throw new Error(`more than ${pairs} rows in one minute`);
    let pair = Math.floor(rand() * pairs);
    while (used.has(pair)) pair = (pair + 1) % pairs;
    used.add(pair);
    // Mostly one to a few denials a minute; now and then a script retrying for a while.
    const count = 1 + Math.floor(rand() ** 6 * 300);
    out.push({
      minute,
      user: USERS[pair % USERS.length]!,
      action: ACTIONS[Math.floor(pair / USERS.length)]!,
      count,
    });
  }
  return out;
}

/** Deletes every denied-count hash, then writes `rows`; kept two days, like a short retention. */
export async function fillDenied(redis: Redis, rows: DeniedSeedRow[]): Promise<void> {
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(
      cursor,
      "MATCH",
      deniedMinuteKey(DEFAULT_PREFIX, 0).replace(/0$/, "*"),
      "COUNT",
      1000,
    );
    if (keys.length > 0) await redis.unlink(...keys);
    cursor = next;
  } while (cursor !== "0");
  const pipeline = redis.pipeline();
  for (const r of rows) {
    const key = deniedMinuteKey(DEFAULT_PREFIX, r.minute);
    pipeline.hset(key, JSON.stringify([r.user, r.action]), r.count);
    pipeline.expire(key, 2 * 86_400);
  }
  await pipeline.exec();
}
