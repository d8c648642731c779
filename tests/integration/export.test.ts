import { describe, expect, it } from "vitest";
import { BATCH_BYTES, readOldest } from "@/lib/queues/batch";
import { exportPages, type ExportProgress } from "@/lib/queues/export";
import { useRedis } from "../helpers/redis";
import { qk } from "../helpers/cluster-mode";

/** The export's read: a long list walked from its tail, in bounded calls, every entry once. */
const r = useRedis();

describe("readOldest", () => {
  it("should give the oldest entries first after a skip, and stop at the head", async () => {
    const key = qk("document_dlq");
    // LPUSH: the last pushed is the newest, at the head.
    await r.redis.lpush(key, ...Array.from({ length: 40 }, (_, i) => `e${i}`));
    expect((await readOldest(r.engine.ctx, key, 0, 3)).map(String)).toEqual(["e0", "e1", "e2"]);
    expect((await readOldest(r.engine.ctx, key, 35, 500)).map(String)).toEqual([
      "e35",
      "e36",
      "e37",
      "e38",
      "e39",
    ]);
    expect(await readOldest(r.engine.ctx, key, 40, 10)).toEqual([]);
  });

  it("should stop a call near its byte budget when entries are large, never returning none", async () => {
    const key = qk("video_dlq");
    const big = "x".repeat(BATCH_BYTES / 2 + 1);
    await r.redis.lpush(key, big, big, big, big, "small");
    // One at first; then ranges as small as the largest seen allows: the budget is passed once.
    const first = await readOldest(r.engine.ctx, key, 0, 10);
    expect(first.map((e) => e.length)).toEqual([big.length, big.length]);
    const rest = await readOldest(r.engine.ctx, key, 2, 10);
    expect(rest.map((e) => e.length)).toEqual([big.length, big.length]);
    expect((await readOldest(r.engine.ctx, key, 4, 10)).map(String)).toEqual(["small"]);
  });
});

describe("exportPages", () => {
  it("should export each of 3 000 entries once, oldest first, leaving out those pushed meanwhile", async () => {
    const key = qk("audio_dlq");
    const n = 3000;
    for (let i = 0; i < n; i += 500) {
      await r.redis.lpush(key, ...Array.from({ length: 500 }, (_, k) => `{"id":"${i + k}"}`));
    }
    const progress: ExportProgress = { read: 0, total: 0, exported: 0 };
    const ids: string[] = [];
    let pushed = false;
    for await (const chunk of exportPages(r.engine.ctx, "audio", {}, null, progress)) {
      if (!pushed) {
        // A failure arriving during the export: at the head, past what the export reads.
        await r.redis.lpush(key, '{"id":"late"}');
        pushed = true;
      }
      for (const line of chunk.trimEnd().split("\n")) {
        ids.push((JSON.parse(line) as { entry: { id: string } }).entry.id);
      }
    }
    expect(ids).toEqual(Array.from({ length: n }, (_, i) => String(i)));
    expect(progress).toEqual({ read: n, total: n, exported: n });
  });
});
