import { describe, expect, it } from "vitest";
import type { BatchReport } from "@/lib/queues/batch";
import { forRequeue, toDlqEntry } from "@/lib/queues/message";
import { drainDlq } from "@/lib/queues/drain";
import { useRedis } from "../helpers/redis";
import { qk } from "../helpers/cluster-mode";

/**
 * Requeue all on entries Redrive wrote sends the next requeueTail call before
 * the one before it answers (drain.ts, inRedisStep), so Redis never idles for a
 * round trip. The queued call must not move past a limit, must be counted when
 * a drain stops or is cancelled, and must meet a foreign entry as the first did.
 */

const r = useRedis({ QUEUES: "document" });
const DLQ = qk("document_dlq");
const WORK = qk("document_queue");

const stamp = {
  error: { type: "E", message: "m" },
  retryCount: 3,
  failedAt: new Date("2026-11-26T00:00:00Z"),
  originalQueue: "document",
};

/** Redrive's own dead letters, with every `foreignEvery`-th one written by another producer. */
function deadLetters(count: number, foreignEvery = 0): Buffer[] {
  return Array.from({ length: count }, (_, i) =>
    foreignEvery && i % foreignEvery === foreignEvery - 1
      ? Buffer.from(`{"id": "f${i}", "retry_count": 3, "error": "x"}`)
      : toDlqEntry(Buffer.from(`{"id":"m${i}","retry_count":3}`), stamp),
  );
}

/** The DLQ's entries, oldest first, as LPUSH leaves them (newest at index 0). */
async function fill(entries: Buffer[]): Promise<void> {
  for (let i = 0; i < entries.length; i += 1000) {
    await r.redis.lpush(DLQ, ...entries.slice(i, i + 1000));
  }
}

const requeued = async () => (await r.redis.lrangeBuffer(WORK, 0, -1)).reverse();

describe("requeue all with a call queued behind the current one", () => {
  it("should send each requeueTail while the one before it is still running", async () => {
    // Entries of 4 KB: a call of 1 MB keeps Redis busy for milliseconds, far longer than
    // Node.js takes from one answer to the next send, so which call is outstanding is clear.
    const pad = "x".repeat(4000);
    const entries = Array.from({ length: 2500 }, (_, i) =>
      toDlqEntry(Buffer.from(`{"id":"m${i}","pad":"${pad}","retry_count":3}`), stamp),
    );
    await fill(entries);
    // For each requeueTail sent, how many requeueTail calls were sent and not yet answered.
    let sent = 0;
    let answered = 0;
    const outstanding: number[] = [];
    const client = r.engine.ctx.redis as unknown as { sendCommand(c: { name: string }): unknown };
    const send = client.sendCommand.bind(client);
    client.sendCommand = (c) => {
      if (c.name === "evalsha" || c.name === "eval") outstanding.push(sent++ - answered);
      return send(c);
    };
    const onBatch = (b: BatchReport) => b.op === "requeueTail" && answered++;
    try {
      const result = await drainDlq({ ...r.engine.ctx, onBatch }, "document", "requeue");
      expect(result.moved).toBe(2500);
    } finally {
      client.sendCommand = send;
    }
    expect(outstanding.length).toBeGreaterThanOrEqual(10);
    // The second call goes out with the first; every later one as the one two back answers,
    // while the one before it still runs (a call sent only after the one before it answered
    // would find none outstanding).
    expect(outstanding.slice(0, 2)).toEqual([0, 1]);
    const overlapped = outstanding.slice(2).filter((n) => n >= 1).length;
    expect(overlapped).toBeGreaterThanOrEqual((outstanding.length - 2) / 2);
    // As text: a deep comparison of 10 MB of Buffers byte by byte took 20 s.
    const bytes = (bs: Buffer[]) => bs.map((b) => b.toString("latin1"));
    expect(bytes(await requeued())).toEqual(bytes(entries.map(forRequeue)));
  });

  it("should move no more than the limit when the queued call asks for the rest", async () => {
    const entries = deadLetters(3000);
    await fill(entries);
    const result = await drainDlq(r.engine.ctx, "document", "requeue", { limit: 1234 });
    expect(result).toMatchObject({ moved: 1234, total: 1234 });
    expect(await requeued()).toEqual(entries.slice(0, 1234).map(forRequeue));
    expect(await r.redis.llen(DLQ)).toBe(3000 - 1234);
  });

  it("should count what the queued call moved when the drain is cancelled", async () => {
    await fill(deadLetters(5000));
    const abort = new AbortController();
    const result = await drainDlq(r.engine.ctx, "document", "requeue", {
      signal: abort.signal,
      onProgress: (moved) => moved >= 1000 && abort.abort(),
    });
    expect(result.cancelled).toBe(true);
    // The call queued when the abort came ran too, and is in the count.
    expect(result.moved).toBe(await r.redis.llen(WORK));
    expect(result.moved).toBeGreaterThan(1000);
    expect(result.moved + (await r.redis.llen(DLQ))).toBe(5000);
  });

  it("should move every entry once, in order, when foreign ones interrupt Redrive's", async () => {
    const entries = deadLetters(4000, 700);
    await fill(entries);
    const result = await drainDlq(r.engine.ctx, "document", "requeue");
    expect(result.moved).toBe(4000);
    expect(await requeued()).toEqual(entries.map(forRequeue));
    expect(await r.redis.llen(DLQ)).toBe(0);
  });
});
