import { describe, expect, it } from "vitest";
import { BATCH_BYTES, BATCH_ENTRIES, type BatchReport } from "@/lib/queues/batch";
import type { EngineContext } from "@/lib/queues/context";
import { moveMany } from "@/lib/queues/dlq-move";
import { groupId, moveErrorGroup } from "@/lib/queues/errorGroups";
import { forRequeue, identityOf, sha1 } from "@/lib/queues/message";
import { purgeOlderThan } from "@/lib/queues/purge";
import { promoteDue } from "@/lib/queues/retry";
import { drainDlq } from "@/lib/queues/drain";
import { recoverAbandoned } from "@/lib/worker/processor";
import { useRedis } from "../helpers/redis";

/**
 * Every bulk path over a DLQ (or retry set, or processing list) holding three
 * large entries among small ones: each byte arrives exactly once, and no call
 * handles more than BATCH_BYTES plus one entry. The entries are 8 MB here,
 * eight times the batch budget and four times LARGE_MOVE_BYTES, so every
 * path takes its large-entry branch; the chaos suite (`npm run chaos`,
 * huge-entries) moves 50 MB ones among a million small. Two witnesses: what the engine
 * reports of each call (EngineContext.onBatch), and Redis's own SLOWLOG, which
 * records every command with the size of each argument, those run inside
 * scripts included. The test holds at most a few BIG buffers at a time.
 */

const r = useRedis({ QUEUES: "document" });
const MB = 1024 * 1024;
const BIG = 8 * MB;
const K = {
  work: "document_queue",
  processing: "document_queue:processing",
  retry: "document_retry",
  dlq: "document_dlq",
};

/** A BIG JSON object (or, with `text`, BIG bytes that are not JSON). */
function big(name: string, text = false): Buffer {
  const out = Buffer.alloc(BIG, text ? name.charCodeAt(0) : 0x78);
  if (text) return out;
  out.write(`{"id":"${name}","job_id":"${name}","filename":"f.bin","blob":"`);
  out.write('","retry_count":3}', BIG - 18);
  return out;
}

const small = (name: string) => Buffer.from(`{"id":"${name}","n":"${"s".repeat(3000)}"}`);

/** Dead-letters `messages` through the engine, oldest first; returns the entries as stored. */
async function deadLetter(messages: Buffer[], error = new Error("boom")): Promise<void> {
  for (const m of messages) await r.engine.pushToDlq("document", m, error, 3);
}

/** sha1 of every entry of a list, from its tail (oldest) to its head, read one at a time. */
async function tailFirst(key: string): Promise<string[]> {
  const out: string[] = [];
  for (let i = -1; ; i--) {
    const e = await r.redis.lindexBuffer(key, i);
    if (!e) return out;
    out.push(sha1(e));
  }
}

/** A DLQ, oldest first: small Redrive entries, three BIG ones (Redrive's, foreign, not JSON), foreign small. */
async function mixedDlq(): Promise<void> {
  await deadLetter([small("a1"), small("a2"), big("B1"), small("a3")]);
  await r.redis.lpush(K.dlq, small("f1"), big("B2"), small("f2"), big("T", true));
  await deadLetter(Array.from({ length: 30 }, (_, i) => small(`c${i}`)));
}

/** Runs `op` with a context that records every bulk call, and SLOWLOG recording every command. */
async function watched<T>(op: (ctx: EngineContext) => Promise<T>): Promise<BatchReport[]> {
  const reports: BatchReport[] = [];
  await r.redis.config("SET", "slowlog-log-slower-than", "0");
  await r.redis.config("SET", "slowlog-max-len", "1000000");
  await r.redis.call("SLOWLOG", "RESET");
  await op({ ...r.engine.ctx, onBatch: (b) => reports.push(b) });
  const log = (await r.redis.call("SLOWLOG", "GET", "1000000")) as [
    number,
    number,
    number,
    string[],
  ][];
  await r.redis.config("SET", "slowlog-log-slower-than", "10000");
  checkSlowlog(log.map((e) => e[3]));
  return reports;
}

/** An argument's full size from SLOWLOG's cut form ("<128 bytes>... (N more bytes)"). */
function argBytes(arg: string): number {
  const m = /\.\.\. \((\d+) more bytes\)$/.exec(arg.slice(-40));
  return m ? 128 + Number(m[1]) : Buffer.byteLength(arg);
}

/**
 * Redis's own record: a command that carries a value larger than the budget
 * (an LPUSH of a move, or a script call sending entries) carries only that
 * entry (with its restored copy), and every command's arguments stay within
 * the budget plus one entry and its copy. A script's own text (EVAL, the first
 * call of a script) is not an argument that counts.
 */
function checkSlowlog(commands: string[][]): void {
  const scripts = commands.filter((args) => /^EVAL(SHA)?$/i.test(args[0] ?? ""));
  expect(scripts.length).toBeGreaterThan(0);
  for (const args of commands) {
    const script = /^EVAL(SHA)?$/i.test(args[0] ?? "");
    const sizes = (script ? args.slice(2) : args).map(argBytes);
    const huge = sizes.filter((n) => n > BATCH_BYTES);
    const total = sizes.reduce((a, b) => a + b, 0);
    expect(total, args[0]).toBeLessThanOrEqual(BATCH_BYTES + 2 * BIG + 4096);
    if (args[0]?.toUpperCase() === "LPUSH" && huge.length > 0) {
      expect(args.length, "an LPUSH of a large entry pushes it alone").toBe(3);
    }
    if (script) {
      expect(huge.length, "a script call sends one large entry and its copy").toBeLessThanOrEqual(
        2,
      );
      if (huge.length > 0) expect(total - huge.reduce((a, b) => a + b, 0)).toBeLessThan(4096);
    }
  }
}

/** The engine's record of each call: within the budget plus one entry, an entry above it alone. */
function checkReports(reports: BatchReport[], ops: string[]): void {
  expect([...new Set(reports.map((b) => b.op))].sort()).toEqual([...ops].sort());
  for (const b of reports) {
    const at = JSON.stringify(b);
    expect(b.entries, at).toBeLessThanOrEqual(BATCH_ENTRIES);
    expect(b.read, at).toBeLessThanOrEqual(BATCH_BYTES + BIG + 1024);
    expect(b.bytes, at).toBeLessThanOrEqual(BATCH_BYTES + 2 * BIG + 1024);
    if (b.op !== "readAt" && b.entries > 1) expect(b.bytes, at).toBeLessThanOrEqual(BATCH_BYTES);
  }
  // The large entries went through calls of their own.
  expect(reports.filter((b) => b.read >= BIG && b.op !== "readAt").length).toBeGreaterThan(0);
}

/**
 * The BIG entries moved without a script (Redrive's, foreign, not JSON):
 * a script would copy each into Lua twice more (see tail.ts, moveLarge).
 */
function noScriptMovesLarge(reports: BatchReport[]): void {
  const scripted = ["moveTail", "requeueTail"];
  expect(reports.filter((b) => scripted.includes(b.op) && b.bytes >= BIG)).toEqual([]);
  expect(reports.filter((b) => b.op === "moveLarge").length).toBeGreaterThan(0);
}

describe("bulk moves of large entries among small ones", () => {
  it("should requeue all, every byte once and in order, within the budget per call when large entries lie among small ones", async () => {
    await mixedDlq();
    const expected = (await tailFirst(K.dlq)).length;
    const wanted: string[] = [];
    for (let i = -1; i >= -expected; i--) {
      wanted.push(sha1(forRequeue((await r.redis.lindexBuffer(K.dlq, i))!)));
    }
    const reports = await watched(async (ctx) => {
      expect(await drainDlq(ctx, "document", "requeue")).toMatchObject({ moved: expected });
    });
    checkReports(reports, ["requeueTail", "readAt", "moveTail", "moveLarge"]);
    noScriptMovesLarge(reports);
    expect(await r.redis.llen(K.dlq)).toBe(0);
    expect(await tailFirst(K.work)).toEqual(wanted);
  }, 120_000);

  it("should delete all within the budget per call when large entries lie among small ones", async () => {
    await mixedDlq();
    const total = await r.redis.llen(K.dlq);
    const reports = await watched(async (ctx) => {
      expect(await drainDlq(ctx, "document", "delete")).toMatchObject({ moved: total });
    });
    checkReports(reports, ["trimTail"]);
    expect(await r.redis.llen(K.dlq)).toBe(0);
    expect(await r.redis.llen(K.work)).toBe(0);
  }, 120_000);

  it("should requeue a selection found at its hints or by a scan, every byte once, within the budget per call", async () => {
    await mixedDlq();
    const before = await r.redis.llen(K.dlq);
    const targets: { identity: string; index: number }[] = [];
    const left: string[] = [];
    const moved: string[] = [];
    for (let index = 0; index < before; index++) {
      const e = (await r.redis.lindexBuffer(K.dlq, index))!;
      const pick = e.length > BATCH_BYTES || index % 3 === 0;
      if (pick) targets.push({ identity: identityOf(e), index });
      (pick ? moved : left).push(sha1(pick ? forRequeue(e) : e));
    }
    // Half the hints go stale: the second half is found by the scan.
    const reports = await watched(async (ctx) => {
      const first = await moveMany(ctx, "document", targets.slice(0, 8), "requeue");
      await r.redis.lpush(K.dlq, "n1", "n2");
      const second = await moveMany(ctx, "document", targets.slice(8), "requeue");
      expect([...first.missing, ...second.missing]).toEqual([]);
    });
    checkReports(reports, ["readAt", "moveIndexed"]);
    expect((await tailFirst(K.work)).sort()).toEqual(moved.sort());
    const rest = await tailFirst(K.dlq);
    expect(rest.slice(0, -2).sort()).toEqual(left.sort());
  }, 120_000);

  it("should requeue an error group with large members, every byte once, within the budget per call", async () => {
    const full = new Error("disk full writing /var/data/1/out.bin");
    await deadLetter([small("a1"), big("B1"), small("a2")], full);
    await deadLetter([small("b1"), small("b2")], new Error("bad page 7"));
    await deadLetter([big("B2"), small("a3"), big("B3")], full);
    const members: string[] = [];
    for (let i = -1; ; i--) {
      const e = await r.redis.lindexBuffer(K.dlq, i);
      if (!e) break;
      if (e.includes("disk full")) members.push(sha1(forRequeue(e)));
    }
    const id = groupId("Error", "disk full writing <path>");
    const reports = await watched(async (ctx) => {
      const result = await moveErrorGroup(ctx, "document", id, "requeue");
      expect(result).toMatchObject({ missing: [] });
      expect(result.moved).toHaveLength(6);
    });
    checkReports(reports, ["readAt", "moveIndexed"]);
    expect((await tailFirst(K.work)).sort()).toEqual(members.sort());
    expect(await r.redis.llen(K.dlq)).toBe(2);
  }, 120_000);

  it("should purge expired large and small entries and keep the rest byte for byte, within the budget per call", async () => {
    await deadLetter([small("o1"), big("B1"), small("o2"), big("B2")]);
    await r.redis.lpush(K.dlq, big("T", true), small("undated"));
    r.clock.now += 8 * 86_400;
    await deadLetter([small("y1"), big("B3"), small("y2")]);
    const kept = (await tailFirst(K.dlq)).slice(4);
    const reports = await watched(async (ctx) => {
      expect(await purgeOlderThan(ctx, "document", 7 * 86_400)).toBe(4);
    });
    checkReports(reports, ["readAt", "moveTail", "moveLarge"]);
    noScriptMovesLarge(reports);
    expect(await tailFirst(K.dlq)).toEqual(kept);
  }, 120_000);

  it("should promote due retries with large members, every byte once and in due order, within the budget per call", async () => {
    const members = [small("r1"), big("B1"), small("r2"), big("B2"), big("B3"), small("r3")];
    for (const [i, m] of members.entries()) await r.redis.zadd(K.retry, r.clock.now - 100 + i, m);
    await r.redis.zadd(K.retry, r.clock.now + 100, small("later"));
    const wanted = members.map((m) => sha1(m));
    const reports = await watched(async (ctx) => {
      expect(await promoteDue(ctx, "document")).toBe(members.length);
    });
    checkReports(reports, ["promoteDue"]);
    expect(await tailFirst(K.work)).toEqual(wanted);
    expect(await r.redis.zcard(K.retry)).toBe(1);
  }, 120_000);

  it("should return abandoned large and small messages once each, within the budget per call", async () => {
    const messages = [small("p1"), big("B1"), small("p2"), big("B2")];
    for (const m of messages) await r.redis.lpush(K.processing, m);
    const reports = await watched(async (ctx) => {
      expect(await recoverAbandoned(ctx, "document")).toBe(0);
      r.clock.now += 120;
      expect(await recoverAbandoned(ctx, "document")).toBe(messages.length);
    });
    checkReports(reports, ["readAt", "recoverStale"]);
    expect(await r.redis.llen(K.processing)).toBe(0);
    expect((await tailFirst(K.work)).sort()).toEqual(messages.map((m) => sha1(m)).sort());
  }, 120_000);
});
