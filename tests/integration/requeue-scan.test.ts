import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BATCH_BYTES } from "@/lib/queues/batch";
import { forRequeue, restorableInRedis, SCAN_BYTES } from "@/lib/queues/message";
import { LARGE_MOVE_BYTES } from "@/lib/queues/tail";
import { runScript } from "@/lib/redis/scripts";
import { pythonDeadLetters } from "../../bench/lib/python-entries";
import { useRedis } from "../helpers/redis";
import { qk } from "../helpers/cluster-mode";

/**
 * requeueTail-2.lua's scan restores a foreign JSON object inside Redis, member
 * by member, and must give byte for byte what forRequeue (the parser) gives,
 * or leave the entry to the parser: never a third answer. These tests drive
 * it one entry at a time on adversarial bytes, check that it takes every
 * entry the Python backend writes, and that its limits hand entries over
 * without stalling a drain.
 */

const r = useRedis({ QUEUES: "document" });
const DLQ = qk("document_dlq");
const WORK = qk("document_queue");

/** One requeueTail call of up to `n` entries: [moved, stopped, ...]. */
async function requeueTail(n = 10): Promise<unknown[]> {
  return (await runScript(
    r.redis,
    "requeueTail",
    [DLQ, WORK],
    [n, BATCH_BYTES, LARGE_MOVE_BYTES],
  )) as unknown[];
}

/** The entry alone in the DLQ, one call: what it pushed, or null when it left the entry. */
async function scanOne(entry: Buffer): Promise<Buffer | null> {
  await r.redis.del(DLQ, WORK);
  await r.redis.lpush(DLQ, entry);
  const [moved, stopped] = await requeueTail();
  if (moved === 0) {
    expect(stopped).toBe(1);
    expect(await r.redis.lindexBuffer(DLQ, 0)).toEqual(entry);
    return null;
  }
  return await r.redis.lindexBuffer(WORK, 0);
}

const KEYS = ["error", "failed_at", "original_queue", "retry_nonce", "redrive_undo", "retry_count"];

/** Keys: the edited ones, others, escaped forms of the edited ones, and near misses. */
const key = fc.oneof(
  fc.constantFrom(...KEYS).map((k) => JSON.stringify(k)),
  fc.string({ maxLength: 5 }).map((k) => JSON.stringify(k)),
  fc.constantFrom(
    '"retry\\u005fcount"',
    '"err\\u006fr"',
    '"a\\"b"',
    '"error "',
    '"Error"',
    '"retry_counts"',
  ),
);

/** Mostly well-formed values; the rest break the grammar in each of its corners. */
const value = fc.oneof(
  { arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v) ?? "null"), weight: 12 },
  { arbitrary: fc.string({ maxLength: 6 }).map((s) => `"${s}"`), weight: 2 },
  fc.constantFrom(
    "01",
    "-0",
    "-",
    "1.",
    "1.5e",
    "1e+5",
    "-12.5E-3",
    ".5",
    "0.0",
    "1e999",
    "00",
    "+1",
  ),
  fc.constantFrom("tru", "nul", "false", "truex", "null", "NaN"),
  fc.constantFrom(
    '"a\\"b"',
    '"\\\\"',
    '"\\\\\\""',
    '"\\q"',
    '"\\u12"',
    '"x\\"',
    '"a\nb"',
    '"t\tb"',
  ),
  fc.constantFrom('[1, [2, {"a": [3]}]]', '{"retry_count": 1, "error": 2}', "[]", "{}", "[,]"),
  fc.constantFrom('{"a" 1}', "[1,]", '{"a": 1,}', "[1 2]", '{"a":}', "18446744073709551617"),
);

/** Python's spacing mostly; a tab or a newline now and then (the scan leaves those to the parser). */
const space = fc.oneof(
  { arbitrary: fc.constantFrom("", " "), weight: 10 },
  { arbitrary: fc.constantFrom("  ", "\t", "\n"), weight: 1 },
);

/** An object's text with separators and spacing that vary member by member. */
const objectText = fc
  .tuple(
    fc.array(fc.tuple(key, space, space, value, space), { maxLength: 7 }),
    space,
    fc.oneof({ arbitrary: fc.constantFrom("", " "), weight: 10 }, fc.constantFrom("x", "}")),
  )
  .map(([members, inner, after]) => {
    const body = members.map(([k, s1, s2, v, s3]) => `${k}${s1}:${s2}${v}${s3}`).join(", ");
    return Buffer.from(`{${inner}${body}}${after}`);
  });

/** Bytes that are not UTF-8 inside a string, and bytes that are nothing at all. */
const oddBytes = fc.oneof(
  fc
    .uint8Array({ minLength: 1, maxLength: 6 })
    .map((b) =>
      Buffer.concat([
        Buffer.from('{"retry_count": 2, "raw": "'),
        Buffer.from(b.map((x) => 0x80 | x)),
        Buffer.from('", "error": "x"}'),
      ]),
    ),
  fc.uint8Array({ maxLength: 24 }).map((b) => Buffer.concat([Buffer.from("{"), Buffer.from(b)])),
);

const entry = fc.oneof({ arbitrary: objectText, weight: 5 }, { arbitrary: oddBytes, weight: 1 });

/** A JSON value nested `depth` containers deep under one member. */
const nested = (depth: number) =>
  Buffer.from(
    `{"retry_count": 3, "a": ${"[".repeat(depth - 1)}{}${"]".repeat(depth - 1)}, "error": "x"}`,
  );

describe("requeueTail's scan of foreign entries", () => {
  it("should give what the parser gives, or leave the entry, for adversarial bytes", async () => {
    const seen = { scanned: 0, left: 0 };
    await fc.assert(
      fc.asyncProperty(fc.array(entry, { minLength: 1, maxLength: 25 }), async (entries) => {
        for (const e of entries) {
          const got = await scanOne(e);
          // The drain's guess of what the scan takes (restorableInRedis) agrees with it here.
          expect(got !== null, e.toString("hex")).toBe(restorableInRedis(e));
          if (got)
            expect(got.toString("hex"), e.toString("hex")).toBe(forRequeue(e).toString("hex"));
          seen[got ? "scanned" : "left"]++;
        }
      }),
      { numRuns: 60 },
    );
    // Both answers were given often: the corpus reaches the scan's edits and its refusals.
    expect(seen.scanned).toBeGreaterThan(100);
    expect(seen.left).toBeGreaterThan(100);
  });

  it("should restore inside Redis every entry the Python backend writes, as the parser does", async () => {
    const make = pythonDeadLetters(7);
    const failedAt = new Date("2026-12-01T10:00:00Z");
    const entries = Array.from(
      { length: 2000 },
      (_, i) => make(i, { originalQueue: "document_queue", failedAt }).entry,
    );
    await r.redis.lpush(DLQ, ...entries);
    let moved = 0;
    while (moved < entries.length) {
      const [n, stopped, , , oldest] = await requeueTail(250);
      expect(stopped).toBe(0);
      // The oldest one's failed_at, as written (the inline ones) or absent (the hash only).
      expect([null, `"${failedAt.toISOString().slice(0, -1)}000"`]).toContain(oldest);
      moved += n as number;
    }
    const got = (await r.redis.lrangeBuffer(WORK, 0, -1)).reverse();
    expect(got.map((b) => b.toString("hex"))).toEqual(
      entries.map((e) => forRequeue(e).toString("hex")),
    );
  });

  it("should leave deep, large and step-heavy entries to the parser, and the drain should move them", async () => {
    const heavy = Buffer.from(`{"retry_count": 1, "a": [${"1,".repeat(30_000)}1]}`);
    const large = Buffer.from(`{"retry_count": 1, "a": "${"x".repeat(SCAN_BYTES)}"}`);
    for (const e of [nested(33), heavy, large]) expect(await scanOne(e)).toBeNull();
    expect(await scanOne(nested(32))).toEqual(forRequeue(nested(32)));

    // A step-heavy entry behind a light one ends the call without a stop; the next call stops at it.
    await r.redis.del(DLQ, WORK);
    const light = Buffer.from('{"retry_count": 2, "error": "e"}');
    await r.redis.lpush(DLQ, light, heavy);
    expect((await requeueTail()).slice(0, 2)).toEqual([1, 0]);
    expect((await requeueTail()).slice(0, 2)).toEqual([0, 1]);
    // One that needs more steps than a call has left, but fewer than a first entry gets, goes first in the next.
    await r.redis.del(DLQ, WORK);
    const middling = Buffer.from(`{"retry_count": 1, "a": [${"1,".repeat(2_000)}1]}`);
    await r.redis.lpush(DLQ, light, middling);
    expect((await requeueTail()).slice(0, 2)).toEqual([1, 0]);
    expect((await requeueTail()).slice(0, 2)).toEqual([1, 0]);
    expect(await r.redis.lindexBuffer(WORK, 0)).toEqual(forRequeue(middling));

    await r.redis.del(DLQ, WORK);
    const all = [light, nested(33), heavy, light, large, nested(600), light];
    await r.redis.lpush(DLQ, ...all);
    expect(await r.engine.requeueAll("document")).toMatchObject({ moved: all.length });
    const got = (await r.redis.lrangeBuffer(WORK, 0, -1)).reverse();
    expect(got.map((b) => b.toString("hex"))).toEqual(
      all.map((e) => forRequeue(e).toString("hex")),
    );
  });

  it("should show an entry nested 10 000 deep and requeue it unchanged, not throw", async () => {
    const deep = nested(10_000);
    await r.redis.lpush(DLQ, deep);
    const [shown] = await r.engine.getDlqMessages("document", 0, 50);
    expect(shown?.raw).toBe(deep.toString());
    expect(shown?.payload).toBeNull();
    expect(await r.engine.requeueAll("document")).toMatchObject({ moved: 1 });
    expect(await r.redis.lindexBuffer(WORK, 0)).toEqual(deep);
  });
});
