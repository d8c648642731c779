import type { RedisClient } from "../../lib/redis/client";
import type { QueueKeys } from "../../lib/queues/keys";

/**
 * Counts every message of a queue by job id, wherever it is (work list,
 * processing list, retry set, DLQ), against the ids the producers recorded:
 * what a fault lost, and what it duplicated.
 */

export interface Census {
  /** Ids recorded by the producers. */
  produced: number;
  work: number;
  processing: number;
  retry: number;
  dlq: number;
  /** Deliveries the consumers recorded (a handler run each), duplicates included. */
  delivered: number;
  /** Recorded ids found nowhere. */
  lost: number;
  /** Copies beyond the first of any id. */
  duplicated: number;
  /** Entries whose job id the producers never recorded (or that have none). */
  unknown: number;
}

/** The job id of a message or dead letter, or null when it is not JSON with one. */
export function jobIdOf(raw: Buffer | string): string | null {
  try {
    const value = (JSON.parse(raw.toString()) as { job_id?: unknown }).job_id;
    return typeof value === "string" ? value : null;
  } catch {
    return null;
  }
}

const PAGE = 10_000;

/** Every value of a list or sorted set, read PAGE at a time by `range(start, stop)`. */
async function* paged(range: (start: number, stop: number) => Promise<Buffer[]>) {
  for (let at = 0; ; at += PAGE) {
    const page = await range(at, at + PAGE - 1);
    yield* page;
    if (page.length < PAGE) return;
  }
}

const listEntries = (redis: RedisClient, key: string) =>
  paged((start, stop) => redis.lrangeBuffer(key, start, stop));

const setMembers = (redis: RedisClient, key: string) =>
  paged((start, stop) => redis.zrangeBuffer(key, String(start), String(stop)));

/**
 * `delivered`: how many times the consumers' handler ran per id. An id is lost
 * when it was neither delivered nor is anywhere; a second delivery, or a copy
 * left in a key after a delivery, is a duplicate.
 */
export async function takeCensus(
  redis: RedisClient,
  keys: QueueKeys,
  produced: Set<string>,
  delivered: Map<string, number> = new Map(),
): Promise<Census> {
  const seen = new Map(delivered);
  const census: Census = {
    produced: produced.size,
    work: 0,
    processing: 0,
    retry: 0,
    dlq: 0,
    delivered: [...delivered.values()].reduce((a, b) => a + b, 0),
    lost: 0,
    duplicated: 0,
    unknown: 0,
  };
  const places = [
    ["work", listEntries(redis, keys.work)],
    ["processing", listEntries(redis, keys.processing)],
    ["retry", setMembers(redis, keys.retry)],
    ["dlq", listEntries(redis, keys.dlq)],
  ] as const;
  for (const [place, entries] of places) {
    for await (const raw of entries) {
      census[place]++;
      const id = jobIdOf(raw);
      if (id === null || !produced.has(id)) census.unknown++;
      else seen.set(id, (seen.get(id) ?? 0) + 1);
    }
  }
  for (const id of produced) {
    const n = seen.get(id) ?? 0;
    if (n === 0) census.lost++;
    else census.duplicated += n - 1;
  }
  return census;
}
