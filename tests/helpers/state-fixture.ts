import { readFileSync } from "node:fs";
import type Redis from "ioredis";

/**
 * Writes a state capture (scripts/capture-state.mjs, e.g.
 * tests/fixtures/state/v0.1.0-demo.json) into a Redis, so that a test starts
 * from the state an older version left: each key is deleted first, then
 * written with its type's commands, streams with their original entry ids
 * (XADD <id>) and last generated id, TTLs restored relative to now. A capture
 * that kept a sample of a long list or stream (`truncatedFrom`) loads the
 * sample. Keys under Redrive's default prefix `redrive:` move to `prefix:`
 * when `opts.prefix` is given; queue keys and DLQ metadata hashes keep their
 * names, as they do under REDRIVE_KEY_PREFIX.
 */

/** Text, or bytes that were not UTF-8. */
export type CapturedBytes = string | { base64: string };

export interface CapturedKey {
  key: CapturedBytes;
  type: "string" | "hash" | "list" | "set" | "zset" | "stream";
  /** PTTL at capture; -1 when the key had no expiry. */
  ttlMs: number;
  value: unknown;
  truncatedFrom?: number;
  /** Streams: the last generated id. */
  lastId?: string;
}

export interface StateCapture {
  capturedFrom: string;
  keys: CapturedKey[];
}

export interface LoadedState {
  capturedFrom: string;
  /** The key names written, after the prefix change, in the capture's order. */
  keys: string[];
}

const DEFAULT_PREFIX = "redrive:";

function bytes(value: CapturedBytes): Buffer {
  return typeof value === "string"
    ? Buffer.from(value, "utf8")
    : Buffer.from(value.base64, "base64");
}

function keyName(captured: CapturedBytes, prefix?: string): Buffer {
  const name = bytes(captured);
  if (
    prefix === undefined ||
    !name.subarray(0, DEFAULT_PREFIX.length).equals(Buffer.from(DEFAULT_PREFIX))
  ) {
    return name;
  }
  return Buffer.concat([Buffer.from(`${prefix}:`), name.subarray(DEFAULT_PREFIX.length)]);
}

function hashPairs(value: unknown): [Buffer, Buffer][] {
  const pairs = Array.isArray(value)
    ? (value as [CapturedBytes, CapturedBytes][])
    : Object.entries(value as Record<string, CapturedBytes>);
  return pairs.map(([field, v]) => [bytes(field), bytes(v)]);
}

/** Orders two stream ids (`<ms>-<seq>`), as Redis does. */
function compareIds(a: string, b: string): number {
  const [am = 0n, as = 0n] = a.split("-").map(BigInt);
  const [bm = 0n, bs = 0n] = b.split("-").map(BigInt);
  return am === bm ? Number(as - bs) : am < bm ? -1 : 1;
}

async function writeStream(redis: Redis, key: Buffer, entry: CapturedKey): Promise<void> {
  const entries = entry.value as [string, Record<string, CapturedBytes>][];
  for (const [id, fields] of entries) {
    const flat = Object.entries(fields).flatMap(([f, v]) => [Buffer.from(f), bytes(v)]);
    await redis.xadd(key, id, ...flat);
  }
  const last = entries.at(-1)?.[0];
  if (!entry.lastId || (last && compareIds(entry.lastId, last) <= 0)) return;
  if (last) {
    await redis.call("XSETID", key, entry.lastId);
  } else if (entry.lastId !== "0-0") {
    // An empty stream that still exists (trimmed to nothing) keeps its last id.
    await redis.xadd(key, entry.lastId, "_", "");
    await redis.xdel(key, entry.lastId);
  }
}

async function writeKey(redis: Redis, key: Buffer, entry: CapturedKey): Promise<void> {
  const value = entry.value;
  switch (entry.type) {
    case "string":
      await redis.set(key, bytes(value as CapturedBytes));
      return;
    case "hash":
      await redis.hset(key, ...hashPairs(value).flat());
      return;
    case "list":
      // RPUSH in index order keeps index 0 (the newest DLQ entry) first.
      if ((value as CapturedBytes[]).length)
        await redis.rpush(key, ...(value as CapturedBytes[]).map(bytes));
      return;
    case "set":
      if ((value as CapturedBytes[]).length)
        await redis.sadd(key, ...(value as CapturedBytes[]).map(bytes));
      return;
    case "zset":
      for (const [member, score] of value as [CapturedBytes, number | string][]) {
        await redis.zadd(key, String(score), bytes(member));
      }
      return;
    case "stream":
      await writeStream(redis, key, entry);
      return;
    default:
      throw new Error(`unknown type ${String(entry.type)}`);
  }
}

/** Reads `file` and writes every key it holds into `redis`; returns the names written. */
/** The shortest TTL a loaded key gets: longer than any test that reads the state. */
const MIN_TTL_MS = 120_000;

export async function loadStateFixture(
  redis: Redis,
  file: string,
  opts: { prefix?: string } = {},
): Promise<LoadedState> {
  const capture = JSON.parse(readFileSync(file, "utf8")) as StateCapture;
  const written: string[] = [];
  for (const entry of capture.keys) {
    const key = keyName(entry.key, opts.prefix);
    await redis.del(key);
    await writeKey(redis, key, entry);
    // A floor: the capture holds keys a few milliseconds from expiry (one at 41 ms), which
    // vanished in the middle of a test that compares every key before and after.
    if (entry.ttlMs > 0) await redis.pexpire(key, Math.max(entry.ttlMs, MIN_TTL_MS));
    written.push(key.toString("utf8"));
  }
  return { capturedFrom: capture.capturedFrom, keys: written };
}
