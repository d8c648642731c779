import { describe, expect, it } from "vitest";
import { CACHE_SAMPLE, inspectCache } from "@/lib/cache/inspect";
import { parseInfo } from "@/lib/redis/info";
import { buildInsights } from "@/lib/metrics/insights";
import { getDlqMessage, getDlqMessages, searchDlq } from "@/lib/queues/dlq-read";
import { getErrorGroups } from "@/lib/queues/errorGroups";
import { EngineError } from "@/lib/queues/errors";
import { identityOf, sha1 } from "@/lib/queues/message";
import { entryIdentity, READ_LIMITS, ReadBudget, readRange } from "@/lib/queues/read";
import { listRetries } from "@/lib/queues/retry";
import { getStats } from "@/lib/queues/stats";
import { useRedis } from "../helpers/redis";

const r = useRedis();
const MB = 1024 * 1024;
const DLQ = "document_dlq";

function bigMessage(n: number, bytes: number, id = true): string {
  const filler = "x".repeat(bytes);
  return JSON.stringify({
    ...(id ? { id: `big${n}` } : {}),
    job_id: `jb${n}`,
    filename: `f${n}.pdf`,
    blob: filler,
  });
}

/** `small` small entries pushed first (the oldest), then `big` 8 MB ones, all written by Redrive. */
async function fill(small: number, big: number) {
  for (let i = 0; i < small; i++) {
    await r.engine.pushToDlq("document", { id: `s${i}`, n: i }, new Error(`boom ${i}`), 1);
  }
  for (let i = 0; i < big; i++) {
    await r.engine.pushToDlq(
      "document",
      bigMessage(i, 8 * MB, i % 2 === 0),
      new Error(`disk full writing /var/data/run${i}/out.bin`),
      2,
    );
  }
}

/** LPUSH of `n` foreign entries of `bytes` each, in pipelines. */
async function pushRaw(n: number, bytes: number) {
  const value = `{"pad":"${"y".repeat(bytes)}"}`;
  for (let i = 0; i < n; i += 50) {
    const p = r.redis.pipeline();
    for (let j = i; j < Math.min(n, i + 50); j++) p.lpush(DLQ, value);
    await p.exec();
  }
}

describe("readRange", () => {
  it("should return large entries cut to head and tail with their size and sha1 when reading a range", async () => {
    await fill(20, 3);
    const budget = new ReadBudget();
    const { entries, end } = await readRange(r.redis, DLQ, 0, 100, { budget });
    expect(end).toBe(true);
    expect(entries).toHaveLength(23);
    const cut = READ_LIMITS.entryHeadBytes + READ_LIMITS.entryTailBytes;
    expect(budget.returned).toBeLessThan(3 * (cut + 4096) + 20 * 1024);
    for (const e of entries.slice(0, 3)) {
      const full = (await r.redis.lindexBuffer(DLQ, e.index))!;
      expect(e.whole).toBeNull();
      expect(e.bytes).toBe(full.length);
      expect(e.cutSha1).toBe(sha1(full));
      expect(e.head.equals(full.subarray(0, READ_LIMITS.entryHeadBytes))).toBe(true);
      expect(e.tail.equals(full.subarray(full.length - READ_LIMITS.entryTailBytes))).toBe(true);
      expect(entryIdentity(e)).toBe(identityOf(full));
      expect(JSON.parse(e.block!.toString())).toMatchObject({
        error: { type: "Error", message: expect.stringMatching(/^disk full writing/) },
        original_queue: "document",
      });
    }
    expect(entries[3]!.whole).not.toBeNull();
  });

  it("should stop once the bytes read in Redis pass the budget when entries are large", async () => {
    await fill(0, 3);
    await pushRaw(5, 100);
    const budget = new ReadBudget(READ_LIMITS.requestReturnBytes, 10 * MB);
    const read = await readRange(r.redis, DLQ, 0, 100, { budget });
    // The 5 small ones and two 8 MB ones: the second takes the bytes read past 10 MB.
    expect(read.entries).toHaveLength(7);
    expect(read.stopped).toBe(true);
    expect(read.end).toBe(false);
  });
});

describe("viewer reads over large DLQ entries", () => {
  it("should return a page with large entries cut and their errors read from the tail", async () => {
    await fill(30, 3);
    // Without the metadata hashes the error can only come from the entry's tail.
    for (let i = 0; i < 3; i++) await r.redis.del(`dlq:metadata:jb${i}:f${i}.pdf`);
    const page = await getDlqMessages(r.engine.ctx, "document", 0, 200);
    expect(page).toHaveLength(33);
    expect(JSON.stringify(page).length).toBeLessThan(1 * MB);
    const big = page.slice(0, 3);
    for (const m of big) {
      const full = (await r.redis.lindexBuffer(DLQ, m.index))!;
      expect(m).toMatchObject({ truncated: true, payload: null, bytes: full.length });
      expect(m.identity).toBe(identityOf(full));
      expect(m.errorMessage).toMatch(/^disk full writing \/var\/data\/run\d\/out\.bin$/);
      expect(m.retryCount).toBe(2);
      expect(m.failedAt).toBe(r.clock.now);
      expect(m.jobId).toMatch(/^jb\d$/);
    }
    expect(page[3]!.truncated).toBeUndefined();
    expect(page[3]!.errorMessage).toBe("boom 29");
  });

  it("should group the error of a large Redrive-written entry from its tail", async () => {
    await fill(10, 3);
    for (let i = 0; i < 3; i++) await r.redis.del(`dlq:metadata:jb${i}:f${i}.pdf`);
    const result = await getErrorGroups(r.engine.ctx, "document");
    expect(result).toMatchObject({ scanned: 13, total: 13, complete: true, nextOffset: null });
    const disk = result.groups.find((g) => g.pattern.startsWith("disk full"));
    expect(disk).toMatchObject({ errorType: "Error", count: 3 });
    expect(result.groups.find((g) => g.pattern === "boom <n>")!.count).toBe(10);
  });

  it("should group a large entry as unreadable when its error is neither read nor recorded", async () => {
    const half = "z".repeat(600 * 1024);
    await r.redis.lpush(DLQ, `{"a":"${half}","error":"hidden","b":"${half}"}`);
    const result = await getErrorGroups(r.engine.ctx, "document");
    expect(result.groups).toHaveLength(1);
    expect(result.groups[0]).toMatchObject({ errorType: "Unreadable", count: 1 });
  });

  it("should stop the filter and error groups at the byte budget and say where they got to", async () => {
    // 600 entries of 100 KB: each comes back cut to 64 KB, 32 MB passes after ~512.
    await pushRaw(600, 100 * 1024);
    const found = await searchDlq(r.engine.ctx, "document", "no such text", 0, 50);
    expect(found.messages).toHaveLength(0);
    expect(found.complete).toBe(false);
    expect(found.scanned).toBeLessThan(600);
    expect(found.scanned).toBeGreaterThan(400);
    expect(found.nextOffset).toBe(found.scanned);
    const groups = await getErrorGroups(r.engine.ctx, "document");
    expect(groups.complete).toBe(false);
    expect(groups.scanned).toBe(found.scanned);
    expect(groups.nextOffset).toBe(groups.scanned);
    const insights = await buildInsights(r.engine.ctx);
    expect(insights.queues.find((q) => q.queue === "document")!.scanned).toBeLessThan(600);
  });

  it("should find a filter's text in the head or the tail of a cut entry", async () => {
    await fill(5, 2);
    const byTail = await searchDlq(r.engine.ctx, "document", "DISK FULL WRITING", 0, 50);
    expect(byTail.messages.map((m) => m.jobId)).toEqual(["jb1", "jb0"]);
    expect(byTail.complete).toBe(true);
    const byHead = await searchDlq(r.engine.ctx, "document", '"job_id":"jb1"', 0, 50);
    expect(byHead.messages).toHaveLength(1);
    expect(byHead.messages[0]!.truncated).toBe(true);
  });

  it("should serve one large entry whole by identity, and refuse one above the maximum", async () => {
    await fill(3, 2);
    const [first] = await getDlqMessages(r.engine.ctx, "document", 0, 1);
    const whole = await getDlqMessage(r.engine.ctx, "document", 4, first!.identity);
    expect(whole!.index).toBe(0);
    expect(whole!.truncated).toBeUndefined();
    expect(whole!.raw.length).toBe(first!.bytes);
    const huge = bigMessage(9, 17 * MB);
    await r.redis.lpush(DLQ, huge);
    const attempt = getDlqMessage(r.engine.ctx, "document", 0, identityOf(Buffer.from(huge)));
    await expect(attempt).rejects.toBeInstanceOf(EngineError);
    await expect(attempt).rejects.toMatchObject({ code: "TOO_LARGE" });
  });

  it("should show the error of a large entry whose error block is larger than its tail", async () => {
    const error = new Error("stack overflow");
    error.stack = "at x\n".repeat(60_000);
    await r.engine.pushToDlq("document", bigMessage(0, MB), error, 1);
    await r.redis.del("dlq:metadata:jb0:f0.pdf");
    const [m] = await getDlqMessages(r.engine.ctx, "document", 0, 10);
    expect(m).toMatchObject({ truncated: true, errorMessage: "stack overflow", retryCount: 1 });
    expect(m!.errorStack).toHaveLength(READ_LIMITS.blockStackBytes);
  });

  it("should cut large metadata values in lists and give them whole with one message", async () => {
    await r.redis.lpush(DLQ, '{"id":"m","job_id":"j","filename":"f"}');
    await r.redis.hset("dlq:metadata:j:f", "error_stack", "s".repeat(MB), "error_type", "E");
    const [listed] = await getDlqMessages(r.engine.ctx, "document", 0, 10);
    expect(listed!.metadata!.error_stack).toHaveLength(READ_LIMITS.entryWholeBytes);
    expect(listed!.errorType).toBe("E");
    const one = await getDlqMessage(r.engine.ctx, "document", 0, "id:m");
    expect(one!.metadata!.error_stack).toHaveLength(MB);
  });

  it("should date the oldest entry from the tail of a large one", async () => {
    await fill(0, 1);
    await r.redis.del("dlq:metadata:jb0:f0.pdf");
    const stats = await getStats(r.engine.ctx);
    expect(stats.find((s) => s.queue === "document")!.oldestDlqAt).toBe(r.clock.now);
  });
});

describe("retry list", () => {
  it("should cut a large scheduled retry and keep its identity", async () => {
    const member = JSON.stringify({ id: "r1", retry_count: 2, blob: "q".repeat(2 * MB) });
    await r.redis.zadd("graph_retry", 1_900_000_000, member, 1_900_000_001, '{"id":"r2"}');
    const { total, retries } = await listRetries(r.engine.ctx, "graph", 0, 50);
    expect(total).toBe(2);
    expect(retries[0]).toMatchObject({
      rank: 0,
      identity: "id:r1",
      due: 1_900_000_000,
      bytes: Buffer.byteLength(member),
      retryCount: 2,
      truncated: true,
    });
    expect(retries[0]!.raw.length).toBe(READ_LIMITS.entryHeadBytes);
    expect(retries[1]).toMatchObject({ rank: 1, identity: "id:r2", raw: '{"id":"r2"}' });
    expect(retries[1]!.truncated).toBeUndefined();
  });
});

describe("cache stats sample", () => {
  async function memoryCalls(): Promise<number> {
    const info = parseInfo(await r.redis.info("commandstats"));
    return Object.entries(info)
      .filter(([k]) => k.startsWith("cmdstat_memory"))
      .reduce((n, [, v]) => n + Number(/calls=(\d+)/.exec(v)?.[1] ?? 0), 0);
  }

  it("should run MEMORY USAGE once for polls within the sample's interval", async () => {
    for (let i = 0; i < 50; i++) await r.redis.set(`user:${i}`, "v");
    const client = r.connect(); // its own connection: no sample from another test
    try {
      const before = await memoryCalls();
      const [a, b] = await Promise.all([
        inspectCache(client, r.config),
        inspectCache(client, r.config),
      ]);
      const c = await inspectCache(client, r.config);
      expect((await memoryCalls()) - before).toBe(50);
      expect(a.sampledAt).toBe(b.sampledAt);
      expect(c.sampledAt).toBe(a.sampledAt);
      expect(c.sampledAt).toBeGreaterThan(Date.now() / 1000 - CACHE_SAMPLE.maxAgeSeconds);
      await inspectCache(client, r.config, { maxAgeSeconds: 0 });
      expect((await memoryCalls()) - before).toBe(100);
    } finally {
      client.disconnect();
    }
  });
});
