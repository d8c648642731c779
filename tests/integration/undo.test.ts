import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { forRequeue, toDlqEntry } from "@/lib/queues/message";
import { BATCH_BYTES } from "@/lib/queues/batch";
import { LARGE_MOVE_BYTES } from "@/lib/queues/tail";
import { runScript } from "@/lib/redis/scripts";
import { useRedis } from "../helpers/redis";
import { qk } from "../helpers/cluster-mode";

const r = useRedis({ QUEUES: "document" });

const stamp = (retryCount: number) => ({
  error: { type: "E", message: 'quote " and \\\\ and ü', stack: "E: x\n at y" },
  retryCount,
  failedAt: new Date("2026-11-26T00:00:00Z"),
  originalQueue: "document",
});

/** Messages as producers write them: JSON objects with or without retry_count, text. */
const message = fc.oneof(
  fc
    .dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }))
    .map((o) => JSON.stringify(o)),
  fc
    .record({ retry_count: fc.nat(5), body: fc.jsonValue({ maxDepth: 2 }) })
    .map((o) => JSON.stringify(o, null, 1)),
  fc.string({ maxLength: 40 }),
);

/** One requeueTail-2.lua call on the document DLQ: [moved, stopped, ...]. */
async function requeueTailOnce(): Promise<number[]> {
  return (await runScript(
    r.redis,
    "requeueTail",
    [qk("document_dlq"), qk("document_queue")],
    [10, BATCH_BYTES, LARGE_MOVE_BYTES],
  )) as number[];
}

describe("redrive_undo", () => {
  it("should restore in Redis exactly what the parser restores, for random messages", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(message, { minLength: 1, maxLength: 20 }),
        fc.nat(5),
        async (messages, n) => {
          await r.redis.del(qk("document_dlq"), qk("document_queue"));
          const entries = messages.map((m) => toDlqEntry(Buffer.from(m), stamp(n)));
          await r.redis.lpush(qk("document_dlq"), ...entries);
          const result = await r.engine.requeueAll("document");
          expect(result.moved).toBe(messages.length);
          const got = (await r.redis.lrangeBuffer(qk("document_queue"), 0, -1)).reverse();
          expect(got.map(String)).toEqual(entries.map((e) => forRequeue(e).toString()));
        },
      ),
      { numRuns: 40 },
    );
  });

  it("should give back the message as taken, retry_count 0, when Redrive wrote the entry", () => {
    const original = '{"a":{"retry_count":9},"retry_count":2,"z":[1]}';
    const entry = toDlqEntry(Buffer.from(original), stamp(3));
    expect(entry.toString()).toMatch(/"redrive_undo":\{"v":2,"cut":\d+,"rc":\[\d+,\d+\]\}\}$/);
    expect(forRequeue(entry).toString()).toBe('{"a":{"retry_count":9},"retry_count":0,"z":[1]}');
    const noCount = toDlqEntry(Buffer.from('{"a":1}'), stamp(0));
    expect(JSON.parse(noCount.toString())).toMatchObject({ a: 1, retry_count: 0 });
    expect(forRequeue(noCount).toString()).toBe('{"a":1}');
  });

  it("should restore in Redis and in Node.js an entry 0.1.0 wrote with a version 1 trailer", async () => {
    // toDlqEntry's output with the trailer 0.1.0 wrote: [cut] or [cut,rcStart,rcEnd].
    const asV1 = (entry: Buffer) =>
      Buffer.from(
        entry
          .toString("latin1")
          .replace(/\{"v":2,"cut":(\d+)(?:,"rc":\[(\d+),(\d+)\])?\}\}$/, (_, c, a, z) =>
            a === undefined ? `[${c}]}` : `[${c},${a},${z}]}`,
          ),
        "latin1",
      );
    const messages = ['{"a":1}', '{"retry_count":4,"b":"ü"}', "{}"];
    const entries = messages.map((m) => asV1(toDlqEntry(Buffer.from(m), stamp(2))));
    expect(entries.map(String)).toEqual([
      expect.stringMatching(/"redrive_undo":\[\d+\]\}$/),
      expect.stringMatching(/"redrive_undo":\[\d+,\d+,\d+\]\}$/),
      expect.stringMatching(/"redrive_undo":\[1\]\}$/),
    ]);
    const restored = ['{"a":1}', '{"retry_count":0,"b":"ü"}', "{}"];
    expect(entries.map((e) => forRequeue(e).toString())).toEqual(restored);
    await r.redis.lpush(qk("document_dlq"), ...entries);
    const [moved, stopped] = await requeueTailOnce();
    expect([moved, stopped]).toEqual([3, 0]);
    expect((await r.redis.lrange(qk("document_queue"), 0, -1)).reverse()).toEqual(restored);
  });

  it("should leave a trailer of a version it does not know to the parser", async () => {
    const entry = toDlqEntry(Buffer.from('{"retry_count":1,"a":2}'), stamp(1));
    const v3 = Buffer.from(entry.toString().replace('{"v":2,', '{"v":3,'));
    await r.redis.lpush(qk("document_dlq"), v3);
    const [moved, stopped] = await requeueTailOnce();
    expect([moved, stopped]).toEqual([0, 1]);
    await r.engine.requeueAll("document");
    expect(await r.redis.lrange(qk("document_queue"), 0, -1)).toEqual(['{"retry_count":0,"a":2}']);
  });

  it("should leave an entry with a forged trailer to the parser", async () => {
    const forged = '{"id":1,"retry_count":3,"x":"y","redrive_undo":[5,1,2]}';
    await r.redis.lpush(qk("document_dlq"), forged);
    const [moved, stopped] = await requeueTailOnce();
    expect([moved, stopped]).toEqual([0, 1]);
    await r.engine.requeueAll("document");
    expect(await r.redis.lrange(qk("document_queue"), 0, -1)).toEqual([
      '{"id":1,"retry_count":0,"x":"y"}',
    ]);
  });

  it("should leave a trailer that is not one or three numbers to the parser", async () => {
    // "[6,3]" stopped requeue all with a Lua error, "[6,,]" was spliced although the parser
    // keeps the entry whole (it is not JSON): both are foreign entries, never Redrive's.
    const forged = [
      '{"a":1,"error":"x","redrive_undo":[6,3]}',
      '{"a":1,"error":"x","redrive_undo":[6,,]}',
      '{"a":1,"error":"x","redrive_undo":[6,,,]}',
      '{"a":1,"error":"x","redrive_undo":[]}',
    ].map((e) => Buffer.from(e));
    await r.redis.lpush(qk("document_dlq"), ...forged);
    expect(await r.engine.requeueAll("document")).toMatchObject({ moved: forged.length });
    const got = (await r.redis.lrangeBuffer(qk("document_queue"), 0, -1)).reverse();
    expect(got.map(String)).toEqual(forged.map((e) => forRequeue(e).toString()));
  });

  it("should restore in Redis what the parser restores, for random trailers", async () => {
    // {"retry_count":N,"error":…}: the block starts at 16 (0-based), N's value spans 15-16.
    const piece = fc.oneof(fc.constantFrom(",", "15", "16", "17"), fc.nat(40).map(String));
    const trailer = fc.array(piece, { maxLength: 6 }).map((p) => `16${p.join("")}`);
    await fc.assert(
      fc.asyncProperty(fc.array(trailer, { minLength: 1, maxLength: 10 }), async (trailers) => {
        await r.redis.del(qk("document_dlq"), qk("document_queue"));
        const entries = trailers.map((t, i) =>
          Buffer.from(
            i % 2 === 0
              ? `{"retry_count":${i % 10},"error":"x","redrive_undo":[${t}]}`
              : `{"retry_count":${i % 10},"error":"x","redrive_undo":{"v":2,"cut":${t.replace(",", ',"rc":[')}]}}`,
          ),
        );
        await r.redis.lpush(qk("document_dlq"), ...entries);
        expect(await r.engine.requeueAll("document")).toMatchObject({ moved: entries.length });
        const got = (await r.redis.lrangeBuffer(qk("document_queue"), 0, -1)).reverse();
        expect(got.map(String)).toEqual(entries.map((e) => forRequeue(e).toString()));
      }),
      { numRuns: 100 },
    );
  });
});
