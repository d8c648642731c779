import { describe, expect, it } from "vitest";
import {
  FIND_LIMITS,
  fieldMatches,
  findEntries,
  formatCursor,
  PLACES,
  valueForms,
  type FieldMatch,
  type FindCursor,
  type Found,
} from "@/lib/queues/find";
import { toDlqEntry } from "@/lib/queues/message";
import { runScript } from "@/lib/redis/scripts";
import { useRedis } from "../helpers/redis";
import { qk } from "../helpers/cluster-mode";

/** "Where is job X?" on a real redis-server: every place of every queue. */
const r = useRedis();
const QUEUES = ["document", "audio"];
const start: FindCursor = { queue: "document", place: PLACES[0], offset: 0 };

/** Every step until the scan ends: all that was found, and how many steps it took. */
async function findAll(
  match: FieldMatch,
  queues = QUEUES,
): Promise<{ found: Found[]; steps: number }> {
  const found: Found[] = [];
  let at: FindCursor | null = { ...start, queue: queues[0]! };
  let steps = 0;
  while (at) {
    const step = await findEntries(r.engine.ctx, queues, match, at);
    found.push(...step.found);
    at = step.next;
    steps += 1;
  }
  return { found, steps };
}

const where = (found: Found[]) => found.map((f) => `${f.queue}/${f.place}/${f.index}`).sort();

describe("findEntries", () => {
  it("should find a job in the work list, processing list, retry set and DLQ of any queue", async () => {
    const job = (id: string, n = 0) =>
      `{"job_id":"${id}","filename":"f${n}.pdf","retry_count":${n}}`;
    await r.redis.lpush(qk("document_queue"), job("other"), job("6b4c"), job("other2"));
    await r.redis.lpush(qk("document_queue:processing"), job("6b4c", 1));
    await r.redis.zadd(qk("audio_retry"), 1_800_000_600, job("6b4c", 2));
    const dead = toDlqEntry(Buffer.from(job("6b4c", 3)), {
      error: { type: "TimeoutError", message: "slow" },
      retryCount: 3,
      failedAt: new Date(1_800_000_000_000),
      originalQueue: "audio",
    });
    await r.redis.lpush(qk("audio_dlq"), dead, job("zzz"));
    const { found } = await findAll({ field: "job_id", value: "6b4c" });
    expect(where(found)).toEqual([
      "audio/dlq/1",
      "audio/retry/0",
      "document/processing/0",
      "document/work/1",
    ]);
    const inDlq = found.find((f) => f.place === "dlq")!;
    expect(inDlq.dlq).toMatchObject({ errorType: "TimeoutError", retryCount: 3, jobId: "6b4c" });
    const retry = found.find((f) => f.place === "retry")!;
    expect(retry.entry).toMatchObject({ due: 1_800_000_600, retryCount: 2 });
  });

  it("should match the field's value exactly, as a string or a number, at any depth", async () => {
    const entries = [
      '{"job_id": 42}', // Python's json.dumps spacing
      '{"job_id":"42"}',
      '{"job": {"job_id" : 42, "x": 1}}', // nested
      '{"job_id":420}',
      '{"job_id":"4242"}',
      '{"my_job_id":42}',
      '{"note":"\\"job_id\\": 42"}', // inside a string
      '{"job_id":-42}',
      "not json job_id 42",
    ];
    await r.redis.rpush(qk("document_dlq"), ...entries);
    const { found } = await findAll({ field: "job_id", value: "42" }, ["document"]);
    expect(found.map((f) => f.index).sort()).toEqual([0, 1, 2]);
  });

  it("should agree with the JavaScript rule a masked reader is matched by, on random entries", async () => {
    const values = ["42", "ab", 'a"b', "é", "-1"];
    const texts: string[] = [];
    for (let i = 0; i < 300; i++) {
      const v = values[i % values.length]!;
      const pick = (xs: string[]) => xs[Math.floor(Math.random() * xs.length)]!;
      const value = pick([JSON.stringify(v), v, JSON.stringify(v + "x"), "null"]);
      const key = pick(['"job_id"', '"id"', '"job_idx"']);
      texts.push(`{${pick(["", '"a":1,'])}${key}${pick([":", " : ", ":\n"])}${value}}`);
    }
    await r.redis.rpush(qk("document_dlq"), ...texts);
    for (const value of values) {
      const match = { field: "job_id", value };
      const reply = (await runScript(
        r.redis,
        "findField",
        [qk("document_dlq")],
        ["list", 0, 1000, 1e9, '"job_id"', ...valueForms(value)],
      )) as [number, number, number, number[]];
      const expected = texts.flatMap((t, i) => (fieldMatches(t, match) ? [i] : []));
      expect(reply[3], value).toEqual(expected);
    }
  });

  it("should go on from its cursor across steps and find every match once", async () => {
    const many = Array.from(
      { length: FIND_LIMITS.requestHits + 5 },
      (_, i) => `{"job_id":"dup","n":${i}}`,
    );
    await r.redis.rpush(qk("audio_dlq"), ...many);
    await r.redis.rpush(qk("document_queue"), '{"job_id":"dup","n":-1}', '{"job_id":"dup","n":-1}');
    const match = { field: "job_id", value: "dup" };
    const first = await findEntries(r.engine.ctx, QUEUES, match, start);
    expect(first.found).toHaveLength(FIND_LIMITS.requestHits);
    expect(first.finished.map((f) => `${f.queue}/${f.place}`)).toContain("document/dlq");
    expect(formatCursor(first.next!)).toBe(`audio:dlq:${FIND_LIMITS.requestHits - 2}`);
    const { found, steps } = await findAll(match);
    expect(steps).toBe(2);
    // Two identical messages are two messages: both shown, at their own indexes.
    expect(where(found)).toEqual(
      ["document/work/0", "document/work/1", ...many.map((_, i) => `audio/dlq/${i}`)].sort(),
    );
  });
});
