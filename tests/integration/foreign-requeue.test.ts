import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { forRequeue, toDlqEntry } from "@/lib/queues/message";
import { useRedis } from "../helpers/redis";
import { qk } from "../helpers/cluster-mode";

/**
 * Requeue all on the entries other producers write (the Python backend's above
 * all): the drain (Redis for Redrive's own entries, the pipelined parser path
 * for the rest, read ahead a window at a time) gives back, byte for byte, what
 * forRequeue gives for each entry alone, and forRequeue keeps every byte but
 * the documented bookkeeping. Entries that are not one JSON object go back
 * unchanged, never damaged.
 */

const r = useRedis({ QUEUES: "document" });
const DLQ = qk("document_dlq");
const WORK = qk("document_queue");
const DLQ_KEYS = ["error", "failed_at", "original_queue", "retry_nonce", "redrive_undo"];

/** A Python str as json.dumps writes it, with ensure_ascii (\uXXXX) or without. */
const pyString = (s: string, ascii: boolean) =>
  ascii
    ? JSON.stringify(s).replace(
        /[^\u0020-\u007e]/g,
        (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
      )
    : JSON.stringify(s);

/** One top-level member as text: the key and a value, Python-style or compact. */
const member = fc.oneof(
  fc
    .tuple(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 2 }))
    .map(([k, v]) => [k, JSON.stringify(v) ?? "null"]),
  fc.tuple(fc.constantFrom(...DLQ_KEYS, "retry_count"), fc.nat(9)).map(([k, v]) => [k, `${v}`]),
  fc.constant(["retry_count", "18446744073709551617"]),
  fc.constant(["meta", '{"retry_count": 4, "error": "nested"}']),
  fc.string({ unit: "grapheme", maxLength: 8 }).map((s) => ["title", pyString(s, true)]),
  fc.string({ unit: "grapheme", maxLength: 8 }).map((s) => ["title", pyString(s, false)]),
  fc.constant(["big", "12345678901234567890123"]),
);

/** An object as a producer writes it: any key order, duplicate keys, either separators, leading space. */
const objectText = fc
  .tuple(
    fc.array(member, { maxLength: 8 }),
    fc.constantFrom([", ", ": "], [",", ":"]),
    fc.constantFrom("", " ", "\n"),
  )
  .map(([members, [comma, colon], lead]) =>
    Buffer.from(
      `${lead}{${members.map(([k, v]) => `${JSON.stringify(k)}${colon}${v}`).join(comma)}}`,
    ),
  );

/** Bytes that are not UTF-8 inside a string: kept as they are. */
const nonUtf8 = fc
  .uint8Array({ minLength: 1, maxLength: 6 })
  .map((bytes) =>
    Buffer.concat([
      Buffer.from('{"retry_count": 2, "raw": "'),
      Buffer.from(bytes.map((b) => 0x80 | b)),
      Buffer.from('", "error": "x"}'),
    ]),
  );

/** Not one JSON object: text, arrays, truncated or trailing bytes. */
const notAnObject = fc.oneof(
  fc.string({ maxLength: 20 }).map((s) => Buffer.from(s)),
  fc.constant(Buffer.from('{"retry_count": 1, "error": "x"')),
  fc.constant(Buffer.from('{"retry_count": 1} trailing')),
  fc.constant(Buffer.from('[{"retry_count": 1}]')),
  fc.constant(Buffer.from(' {"a": 1,}')),
);

/** Redrive's own entries among them: the drain switches between Redis and the parser. */
const redriveWritten = objectText.map((m) =>
  toDlqEntry(m, {
    error: { type: "E", message: "boom" },
    retryCount: 3,
    failedAt: new Date("2026-11-26T00:00:00Z"),
    originalQueue: "document",
  }),
);

const entry = fc.oneof(
  { arbitrary: objectText, weight: 6 },
  { arbitrary: nonUtf8, weight: 1 },
  { arbitrary: notAnObject, weight: 2 },
  { arbitrary: redriveWritten, weight: 2 },
);

/** What a requeue must give for a well-formed object, checked without forRequeue. */
function checkRestored(before: Buffer, after: Buffer): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(before.toString("utf8"));
  } catch {
    return;
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) return;
  const out = JSON.parse(after.toString("utf8")) as Record<string, unknown>;
  for (const key of DLQ_KEYS) expect(Object.hasOwn(out, key)).toBe(false);
  if (Object.hasOwn(parsed, "retry_count")) expect(out.retry_count).toBe(0);
}

async function requeueAll(entries: Buffer[]): Promise<Buffer[]> {
  await r.redis.del(DLQ, WORK);
  // Oldest first: LPUSH each in turn, so entries[0] is the tail.
  for (let i = 0; i < entries.length; i += 500)
    await r.redis.lpush(DLQ, ...entries.slice(i, i + 500));
  const result = await r.engine.requeueAll("document");
  expect(result.moved).toBe(entries.length);
  return (await r.redis.lrangeBuffer(WORK, 0, -1)).reverse();
}

describe("requeue all on foreign entries", () => {
  it("gives byte for byte what the parser gives each entry, on random producers' entries", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(entry, { minLength: 1, maxLength: 40 }), async (entries) => {
        const got = await requeueAll(entries);
        expect(got.map((b) => b.toString("hex"))).toEqual(
          entries.map((e) => forRequeue(e).toString("hex")),
        );
        entries.forEach((e, i) => {
          if (e[0] === 0x7b && !e.includes("redrive_undo")) checkRestored(e, got[i]!);
        });
      }),
      { numRuns: 40 },
    );
  });

  it("should show an entry nested 10 000 deep and requeue it unchanged, not throw", async () => {
    const depth = 10_000;
    const deep = Buffer.from(
      `{"retry_count": 3, "a": ${"[".repeat(depth)}${"]".repeat(depth)}, "error": "x"}`,
    );
    await r.redis.lpush(DLQ, deep);
    const [shown] = await r.engine.getDlqMessages("document", 0, 50);
    expect(shown?.raw).toBe(deep.toString());
    expect(shown?.payload).toBeNull();
    expect((await requeueAll([deep]))[0]).toEqual(deep);
  });

  it("moves windows of 1 MB entries and a long run of small ones in order", async () => {
    const mb = (i: number) =>
      Buffer.from(`{"id": "big${i}", "retry_count": 3, "blob": "${"x".repeat(1024 * 1024)}"}`);
    const small = (i: number) => Buffer.from(`{"error": "e", "id": ${i}, "retry_count": 1}`);
    const entries = [mb(0), ...Array.from({ length: 1200 }, (_, i) => small(i)), mb(1), mb(2)];
    entries.splice(700, 0, Buffer.from("not json at all"), mb(3));
    const got = await requeueAll(entries);
    expect(got.length).toBe(entries.length);
    got.forEach((g, i) => expect(g.equals(forRequeue(entries[i]!))).toBe(true));
    expect(JSON.parse(got[1]!.toString())).toEqual({ id: 0, retry_count: 0 });
  });
});
