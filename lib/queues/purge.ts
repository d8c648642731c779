import { readTail, BATCH_ENTRIES } from "./batch";
import { BATCH_BYTES } from "./batch";
import { keysOf, nowSeconds, type EngineContext } from "./context";
import { failedAtOf, metadataKeyOf, parseTimestamp, sha1 } from "./message";
import { execEachKey } from "../redis/pipeline";
import { retentionSeconds } from "./producer";
import { moveOldest, type Moved } from "./tail";

/**
 * The retention purge: deletes DLQ entries older than DLQ_RETENTION_DAYS
 * (failed_at < now − retention), from the tail. An entry without a timestamp
 * (a foreign one) is taken to be as old as the nearest newer entry that has
 * one: entries arrive at the head, so list order is arrival order. Undated
 * entries with no dated entry after them are kept.
 *
 * The tail is read a budget at a time (batch.ts) and deleted as soon as an
 * expired dated entry decides it, with moveTail calls that check the entries
 * are exactly the ones read.
 */

/** Undated entries read past before a dated one decides them (the scan stops there). */
const PURGE_SCAN_MAX = 100_000;
/** Entries looked at by one purge (each run of the worker service purges at most this many). */
const PURGE_LOOK_MAX = 1_000_000;

export function purgeExpired(ctx: EngineContext, queue: string): Promise<number> {
  return purgeOlderThan(ctx, queue, retentionSeconds(ctx.config));
}

/** The same rule with any age: what an admin's "purge older than N days" runs. */
export async function purgeOlderThan(
  ctx: EngineContext,
  queue: string,
  ageSeconds: number,
): Promise<number> {
  const cutoff = nowSeconds(ctx) - ageSeconds;
  let purged = 0;
  for (let attempt = 0; attempt < 10; attempt++) {
    const result = await purgeScan(ctx, queue, cutoff);
    purged += result.moved;
    if (!result.changed) return purged;
  }
  return purged;
}

/** An entry read from the tail and not deleted yet: its sha1, and its bytes while few are held. */
interface Scanned {
  sha1: string;
  raw: Buffer | null;
}

/**
 * One pass from the tail. `pending` holds the entries read and still at the
 * tail, oldest first: undated ones waiting for a dated entry to decide them.
 */
async function purgeScan(ctx: EngineContext, queue: string, cutoff: number): Promise<Moved> {
  const { dlq } = keysOf(ctx, queue);
  let pending: Scanned[] = [];
  let purged = 0;
  for (let looked = 0; looked < PURGE_LOOK_MAX && pending.length < PURGE_SCAN_MAX;) {
    const page = await readTail(ctx, dlq, pending.length, BATCH_ENTRIES);
    if (page.length === 0) break;
    looked += page.length;
    const times = await timestampsOf(ctx, page);
    let removable = 0; // how many of pending are decided expired
    let boundary = false;
    for (let i = 0; i < page.length && !boundary; i++) {
      const t = times[i];
      boundary = t !== null && t !== undefined && t >= cutoff;
      if (boundary) break;
      pending.push({ sha1: sha1(page[i]!), raw: page[i]! });
      if (t !== null && t !== undefined) removable = pending.length;
    }
    const result = await deleteScanned(ctx, queue, pending.slice(0, removable));
    purged += result.moved;
    if (result.changed) return { moved: purged, changed: true };
    if (boundary) break;
    pending = held(pending.slice(removable));
  }
  return { moved: purged, changed: false };
}

/** Drops the bytes of pending entries once they pass the budget (their sha1s are enough to find them again). */
function held(pending: Scanned[]): Scanned[] {
  const bytes = pending.reduce((n, p) => n + (p.raw?.length ?? 0), 0);
  return bytes <= BATCH_BYTES ? pending : pending.map((p) => ({ sha1: p.sha1, raw: null }));
}

/**
 * Deletes `entries`, the list's oldest, oldest first: with the bytes held, or
 * else read again from the tail and checked against their sha1s.
 */
async function deleteScanned(
  ctx: EngineContext,
  queue: string,
  entries: Scanned[],
): Promise<Moved> {
  const { dlq } = keysOf(ctx, queue);
  let moved = 0;
  while (moved < entries.length) {
    const next = entries.slice(moved, moved + BATCH_ENTRIES);
    const kept = next.findIndex((e) => e.raw === null);
    let batch = next.slice(0, kept < 0 ? next.length : kept).map((e) => e.raw!);
    if (batch.length === 0) {
      const page = await readTail(ctx, dlq, 0, next.length);
      let same = 0;
      while (same < page.length && sha1(page[same]!) === next[same]!.sha1) same++;
      if (same === 0) return { moved, changed: true };
      batch = page.slice(0, same);
    }
    const result = await moveOldest(ctx, queue, "delete", batch);
    moved += result.moved;
    if (result.changed) return { moved, changed: true };
  }
  return { moved, changed: false };
}

/** failed_at of each entry, from the entry or else its metadata hash. */
async function timestampsOf(ctx: EngineContext, page: Buffer[]): Promise<(number | null)[]> {
  const times = page.map((raw) => failedAtOf(raw));
  const undated = times.flatMap((t, i) => (t === null ? [i] : []));
  if (undated.length === 0) return times;
  const keys = undated.map((i) => metadataKeyOf(page[i]!));
  const values = (await execEachKey(ctx.redis, keys, (p, key) => p.hget(key, "failed_at"))) as (
    string | null
  )[];
  undated.forEach((i, k) => {
    const v = values[k];
    times[i] = v ? parseTimestamp(v) : null;
  });
  return times;
}
