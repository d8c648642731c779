#!/usr/bin/env node
/**
 * `node scripts/capture-state.mjs <redis-url> <out.json> [--from <label>] [--limit N]`:
 * every key of a Redis database (SCAN) as JSON, to keep a version's stored
 * state as a test fixture (tests/fixtures/state/, loaded back with
 * loadStateFixture in tests/helpers/state-fixture.ts):
 *
 *   {"capturedFrom": "<label>", "keys": [{"key", "type", "ttlMs", "value", "truncatedFrom"?}]}
 *
 * ttlMs is the PTTL at capture (-1: none). Values by type: string as text; hash
 * as an object (as [[field, value], ...] if a field name is not UTF-8); list as
 * an array in index order; set as a sorted array; zset as [[member, score], ...]
 * lowest score first; stream as [[id, {field: value}], ...] oldest first, with
 * "lastId" (the stream's last generated id, which trimming does not lower).
 * Bytes that are not valid UTF-8 are {"base64": "..."}. A list, set, zset or
 * stream longer than --limit (200) keeps that many items spread evenly over
 * it, always the first and the last, and records its real length in
 * "truncatedFrom": deterministic for the same data, small enough for a
 * repository, still showing both ends of a DLQ or a metrics history.
 *
 * Keys are sorted, so two captures of the same data are the same file; the
 * file is formatted with the repository's Prettier settings when Prettier is
 * installed, so that `prettier --check` accepts a committed fixture.
 */
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import Redis from "ioredis";

const UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** Text when the bytes are UTF-8, else {"base64"}. */
export function encodeBytes(buf) {
  try {
    return UTF8.decode(buf);
  } catch {
    return { base64: buf.toString("base64") };
  }
}

/** `limit` indices spread evenly over 0..length-1, both ends included. */
export function sampleIndices(length, limit) {
  if (length <= limit) return Array.from({ length }, (_, i) => i);
  if (limit <= 1) return [0];
  return Array.from({ length: limit }, (_, i) => Math.round((i * (length - 1)) / (limit - 1)));
}

/** A Redis score as JSON: a number, or the text Redis gives for ±inf. */
function score(buf) {
  const n = Number(buf.toString());
  return Number.isFinite(n) ? n : buf.toString();
}

async function captureHash(redis, key) {
  const flat = await redis.callBuffer("HGETALL", key);
  const pairs = [];
  for (let i = 0; i < flat.length; i += 2)
    pairs.push([encodeBytes(flat[i]), encodeBytes(flat[i + 1])]);
  if (pairs.some(([field]) => typeof field !== "string")) return { value: pairs };
  pairs.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return { value: Object.fromEntries(pairs) };
}

async function captureList(redis, key, limit) {
  const length = await redis.llen(key);
  if (length <= limit) {
    return { value: (await redis.lrangeBuffer(key, 0, -1)).map(encodeBytes) };
  }
  const pipeline = redis.pipeline();
  for (const i of sampleIndices(length, limit)) pipeline.lindexBuffer(key, i);
  const items = (await pipeline.exec()).map(([, v]) => encodeBytes(v ?? Buffer.alloc(0)));
  return { value: items, truncatedFrom: length };
}

async function captureSet(redis, key, limit) {
  const members = (await redis.smembersBuffer(key)).sort(Buffer.compare);
  const picked = sampleIndices(members.length, limit).map((i) => members[i]);
  const out = { value: picked.map(encodeBytes) };
  if (members.length > limit) out.truncatedFrom = members.length;
  return out;
}

async function captureZset(redis, key, limit) {
  const length = await redis.zcard(key);
  let flat;
  if (length <= limit) {
    flat = await redis.zrangeBuffer(key, 0, -1, "WITHSCORES");
  } else {
    const pipeline = redis.pipeline();
    for (const r of sampleIndices(length, limit)) pipeline.zrangeBuffer(key, r, r, "WITHSCORES");
    flat = (await pipeline.exec()).flatMap(([, v]) => v);
  }
  const value = [];
  for (let i = 0; i < flat.length; i += 2) value.push([encodeBytes(flat[i]), score(flat[i + 1])]);
  return length > limit ? { value, truncatedFrom: length } : { value };
}

function streamEntry([id, fields]) {
  const out = {};
  for (let i = 0; i < fields.length; i += 2) {
    const name = encodeBytes(fields[i]);
    out[typeof name === "string" ? name : JSON.stringify(name)] = encodeBytes(fields[i + 1]);
  }
  return [id.toString(), out];
}

async function captureStream(redis, key, limit) {
  const info = await redis.call("XINFO", "STREAM", key);
  const lastId = String(info[info.indexOf("last-generated-id") + 1]);
  const length = await redis.xlen(key);
  const wanted = new Set(sampleIndices(length, limit));
  const entries = [];
  let start = "-";
  let seen = 0;
  // Read in pages (a stream of 100 000 audit entries is not read at once), keeping the sampled ones.
  for (;;) {
    const page = await redis.xrangeBuffer(key, start, "+", "COUNT", 1000);
    for (const entry of page) if (wanted.has(seen++)) entries.push(streamEntry(entry));
    if (page.length < 1000) break;
    start = `(${page.at(-1)[0].toString()}`;
  }
  const out = { value: entries, lastId };
  if (length > limit) out.truncatedFrom = length;
  return out;
}

const READERS = {
  string: async (redis, key) => ({ value: encodeBytes(await redis.getBuffer(key)) }),
  hash: captureHash,
  list: captureList,
  set: captureSet,
  zset: captureZset,
  stream: captureStream,
};

/** Every key of the database `url` names, as the fixture object. */
export async function captureState(url, { from = "unknown", limit = 200 } = {}) {
  const redis = new Redis(url, { maxRetriesPerRequest: 2 });
  try {
    const names = [];
    const stream = redis.scanBufferStream({ count: 1000 });
    for await (const batch of stream) names.push(...batch);
    const unique = [...new Map(names.map((n) => [n.toString("hex"), n])).values()].sort(
      Buffer.compare,
    );
    const keys = [];
    for (const name of unique) {
      const type = await redis.type(name);
      if (type === "none") continue; // expired or deleted since SCAN named it
      const reader = READERS[type];
      if (!reader) throw new Error(`${name.toString()}: type ${type} is not captured`);
      const ttlMs = await redis.pttl(name);
      const read = await reader(redis, name, limit);
      if (ttlMs === -2) continue; // expired between SCAN and now
      keys.push({ key: encodeBytes(name), type, ttlMs, ...read });
    }
    return { capturedFrom: from, keys };
  } finally {
    redis.disconnect();
  }
}

/** JSON text, formatted by Prettier with the repository's settings when it is there. */
export async function formatCapture(state, file) {
  const text = `${JSON.stringify(state, null, 2)}\n`;
  try {
    const prettier = await import("prettier");
    const options = (await prettier.resolveConfig(file)) ?? {};
    return await prettier.format(text, { ...options, parser: "json" });
  } catch {
    return text;
  }
}

export async function writeCapture(state, file) {
  writeFileSync(file, await formatCapture(state, file));
}

function parseArgs(argv) {
  const args = { positional: [], from: "unknown", limit: 200 };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--from") args.from = argv[++i];
    else if (argv[i] === "--limit") args.limit = Number(argv[++i]);
    else args.positional.push(argv[i]);
  }
  return args;
}

async function main(argv) {
  const { positional, from, limit } = parseArgs(argv);
  const [url, out] = positional;
  if (!url || !out || !(limit >= 1)) {
    process.stderr.write(
      "usage: capture-state.mjs <redis-url> <out.json> [--from <label>] [--limit N]\n",
    );
    process.exit(2);
  }
  const state = await captureState(url, { from, limit });
  await writeCapture(state, resolve(out));
  console.log(`captured ${state.keys.length} keys into ${out}`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((error) => {
    process.stderr.write(`capture-state: ${error.message}\n`);
    process.exit(1);
  });
}
