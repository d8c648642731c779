import { describe, expect, it } from "vitest";
import type { BatchReport } from "@/lib/queues/batch";
import { forRequeue } from "@/lib/queues/message";
import { drainDlq } from "@/lib/queues/drain";
import { useRedis } from "../helpers/redis";

/**
 * Requeue all on foreign entries reads the next window while the current one
 * moves (drain.ts, parserStep). The window read ahead may be stale by the time
 * it moves: another client removes entries from the tail, or pushes new
 * failures at the head. Nothing may be lost, moved twice or moved unrestored.
 */

const r = useRedis({ QUEUES: "document" });
const DLQ = "document_dlq";
const WORK = "document_queue";

/** A dead letter as a foreign producer writes it: key order and spacing vary, retry_count is somewhere. */
function foreign(i: number): Buffer {
  const members = [`"id": "m${i}"`, `"retry_count": ${i % 7}`, `"error": {"type": "E${i % 3}"}`];
  if (i % 2) members.reverse();
  return Buffer.from(`{${members.join(", ")}, "failed_at": "2026-01-01T00:00:00"}`);
}

/** Removes the entry `depth` from the tail: queued on the drain's own connection, so it runs between its calls. */
const REMOVE_AT = `local e = redis.call("LINDEX", KEYS[1], ARGV[1])
if e then redis.call("LREM", KEYS[1], 1, e) end
return e`;

describe("requeue all reading ahead", () => {
  it("reads the next window before the current one moves", async () => {
    const entries = Array.from({ length: 1500 }, (_, i) => foreign(i));
    await r.redis.lpush(DLQ, ...entries);
    const ops: string[] = [];
    const ctx = { ...r.engine.ctx, onBatch: (b: BatchReport) => ops.push(b.op) };
    const result = await drainDlq(ctx, "document", "requeue");
    expect(result.moved).toBe(1500);
    // requeueTail stops at the first foreign entry (and so does the one queued behind it); then
    // windows of 500, each move's reply coming back after the read of the window after it.
    expect(ops.join(" ")).toBe(
      "requeueTail requeueTail readAt readAt moveTail readAt moveTail moveTail",
    );
    const requeued = await r.redis.lrangeBuffer(WORK, 0, -1);
    expect(requeued.reverse()).toEqual(entries.map(forRequeue));
  });

  it("should send the read of the window after next while the move before it still runs", async () => {
    // About 900 bytes each: a window's move (500 entries and their restored copies) is one
    // moveTail call of under 1 MB that keeps Redis busy for milliseconds.
    const pad = "p".repeat(800);
    const entries = Array.from({ length: 3000 }, (_, i) =>
      Buffer.concat([foreign(i).subarray(0, -2), Buffer.from(`,\n "pad": "${pad}"\n}`)]),
    );
    await r.redis.lpush(DLQ, ...entries);
    // At each read of the tail (readAt, one key) sent: how many moves (moveTail, its mode
    // first) were sent and not yet answered.
    let movesSent = 0;
    let movesAnswered = 0;
    const atRead: number[] = [];
    const client = r.engine.ctx.redis as unknown as {
      sendCommand(c: { name: string; args: unknown[] }): unknown;
    };
    const send = client.sendCommand.bind(client);
    client.sendCommand = (c) => {
      if (c.name === "evalsha" && Number(c.args[1]) === 1) atRead.push(movesSent - movesAnswered);
      if (c.name === "evalsha" && c.args[4] === "requeue") movesSent++;
      return send(c);
    };
    const onBatch = (b: BatchReport) => b.op === "moveTail" && movesAnswered++;
    try {
      expect(await drainDlq({ ...r.engine.ctx, onBatch }, "document", "requeue")).toMatchObject({
        moved: 3000,
      });
    } finally {
      client.sendCommand = send;
    }
    // Six windows: the first two reads go out before any move; each later one goes out
    // behind the move of the window two before it, before that move has answered (sent only
    // after the answer, as before, Redis would idle while Node.js restores).
    // How many do depends on how fast Redis answers beside the machine's other work; one
    // is the proof (without reading ahead, none would).
    expect(atRead.slice(0, 2)).toEqual([0, 0]);
    expect(atRead.slice(2).filter((n) => n >= 1).length).toBeGreaterThanOrEqual(1);
    const requeued = await r.redis.lrangeBuffer(WORK, 0, -1);
    expect(requeued.reverse()).toEqual(entries.map(forRequeue));
  });

  it("loses and repeats nothing when the tail changes between a read ahead and its move", async () => {
    const entries = Array.from({ length: 3000 }, (_, i) => foreign(i));
    await r.redis.lpush(DLQ, ...entries);
    const removed: Buffer[] = [];
    const pushed: Buffer[] = [];
    let moves = 0;
    const onBatch = (b: BatchReport) => {
      if (b.op !== "moveTail") return;
      moves++;
      // The window read ahead is now the tail: take an entry out of it, and a new failure arrives.
      const depth = -1 - (moves % 5) * 37;
      void r.redis
        .callBuffer("EVAL", REMOVE_AT, 1, DLQ, depth)
        .then((e: unknown) => e && removed.push(e as Buffer));
      const fresh = foreign(10_000 + moves);
      pushed.push(fresh);
      void r.redis.lpush(DLQ, fresh);
    };
    const result = await drainDlq({ ...r.engine.ctx, onBatch }, "document", "requeue");
    expect(removed.length).toBeGreaterThan(0);
    const requeued = (await r.redis.lrangeBuffer(WORK, 0, -1)).map(String).sort();
    const left = (await r.redis.lrangeBuffer(DLQ, 0, -1)).map(String);
    expect(requeued.length).toBe(result.moved);
    expect(new Set(requeued).size).toBe(requeued.length);
    // Every entry is requeued (restored) once, or was removed by the other client, or is left.
    const gone = new Set([...removed.map(String), ...left]);
    const expected = [...entries, ...pushed]
      .filter((e) => !gone.has(String(e)))
      .map((e) => String(forRequeue(e)))
      .sort();
    expect(requeued).toEqual(expected);
    // The drain stops at the number it started with; what arrived meanwhile mostly waits.
    expect(left.length + requeued.length + removed.length).toBe(entries.length + pushed.length);
  });
});
