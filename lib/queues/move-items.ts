/**
 * One step of a DLQ move: entries checked at their index and moved in calls
 * of at most BATCH_BYTES. Where the destination shares the DLQ's Cluster slot
 * (every queue's own keys do, and a standalone or Sentinel Redis has no
 * slots) that is one moveIndexed script call, atomic. A move to another
 * queue on a Cluster cannot be one script: the copy is written first, then
 * the entry is removed by its bytes, and a copy whose entry had gone
 * meanwhile is taken back. That is at least once: a dashboard killed between
 * the two leaves the message in both places, never in neither.
 */
import { randomUUID } from "node:crypto";
import { runScript } from "../redis/scripts";
import { isCluster } from "../redis/client";
import { execAll } from "../redis/pipeline";
import { keySlot } from "../redis/slots";
import { BATCH_BYTES, byteChunks, reportBatch } from "./batch";
import { keysOf, type EngineContext } from "./context";

export type MoveMode = "requeue" | "delete";

/** A requeue now, or with `at` to the retry set, due then (epoch s); to `to`'s keys, else the queue's own. */
export interface Destination {
  at?: number;
  to?: string;
}

export interface Located {
  identity: string;
  index: number;
  raw: Buffer;
}

export interface Push {
  l: Located;
  /** What goes to the destination; null when deleting. */
  push: Buffer | null;
}

export interface StepResult {
  moved: Located[];
  /** Scheduled pushes an identical retry-set member would absorb: nothing was written for them. */
  merging: Push[];
}

/** A value no producer writes (NUL bytes), unique per call. */
function tombstone(): string {
  return `\0redrive:tombstone:${randomUUID()}\0`;
}

interface Plan {
  mode: "requeue" | "schedule" | "delete";
  src: string;
  dst: string;
  at: number | "";
}

function planOf(ctx: EngineContext, queue: string, mode: MoveMode, d: Destination): Plan {
  const { dlq } = keysOf(ctx, queue);
  const target = keysOf(ctx, d.to ?? queue);
  const schedule = mode === "requeue" && d.at !== undefined;
  return {
    mode: schedule ? "schedule" : mode,
    src: dlq,
    dst: schedule ? target.retry : target.work,
    at: schedule ? d.at! : "",
  };
}

const sizeOf = (i: Push) => i.l.raw.length + (i.push?.length ?? 0);

export async function moveItems(
  ctx: EngineContext,
  queue: string,
  mode: MoveMode,
  items: Push[],
  d: Destination,
): Promise<StepResult> {
  const plan = planOf(ctx, queue, mode, d);
  const apart =
    plan.mode !== "delete" && isCluster(ctx.redis) && keySlot(plan.src) !== keySlot(plan.dst);
  const out: StepResult = { moved: [], merging: [] };
  for (const chunk of byteChunks(items, sizeOf)) {
    const results = apart
      ? await copyThenRemove(ctx, plan, chunk)
      : await moveChunk(ctx, plan, chunk);
    chunk.forEach((i, k) => {
      if (results[k] === 1) out.moved.push(i.l);
      if (results[k] === 2) out.merging.push(i);
    });
  }
  return out;
}

/** moveIndexed-2.lua: one result per item, 1 moved, 0 not there, 2 would merge. */
async function moveChunk(ctx: EngineContext, plan: Plan, chunk: Push[]): Promise<number[]> {
  const args: (string | number | Buffer)[] = [plan.mode, tombstone(), BATCH_BYTES, plan.at];
  for (const { l, push } of chunk) args.push(l.index, l.raw, push ?? "");
  const [results, read] = (await runScript(
    ctx.redis,
    "moveIndexed",
    [plan.src, plan.dst],
    args,
  )) as [number[], number];
  reportBatch(
    ctx,
    "moveIndexed",
    chunk.length,
    chunk.reduce((n, i) => n + sizeOf(i), 0),
    read,
  );
  return results;
}

/**
 * The Cluster path across slots: copy, then remove each entry by its exact
 * bytes wherever it is now (failures pushed at the DLQ's head meanwhile shift
 * every index, and a copy already taken by a worker cannot be taken back), and
 * take back only the copies whose entry is truly gone.
 */
async function copyThenRemove(ctx: EngineContext, plan: Plan, chunk: Push[]): Promise<number[]> {
  const copied = await copy(ctx, plan, chunk);
  const sent = chunk.filter((_, k) => copied[k]);
  const removed = await removeByBytes(ctx, plan.src, sent);
  const stray = sent.filter((_, k) => !removed[k]).map((i) => i.push!);
  if (stray.length > 0) await takeBack(ctx, plan, stray);
  let next = 0;
  return chunk.map((_, k) => (copied[k] ? (removed[next++] ? 1 : 0) : 2));
}

/**
 * LREM of one occurrence of each entry's bytes, from the end nearer to where
 * it was read (identical entries are the same message: any one of them is it).
 */
async function removeByBytes(ctx: EngineContext, dlq: string, items: Push[]): Promise<boolean[]> {
  if (items.length === 0) return [];
  const length = await ctx.redis.llen(dlq);
  const pipeline = ctx.redis.pipeline();
  for (const { l } of items) pipeline.lrem(dlq, l.index < length / 2 ? 1 : -1, l.raw);
  return (await execAll(pipeline)).map((n) => n === 1);
}

/** Writes each push; false for a scheduled one an identical member already holds (ZADD NX). */
async function copy(ctx: EngineContext, plan: Plan, chunk: Push[]): Promise<boolean[]> {
  if (plan.mode === "requeue") {
    await ctx.redis.lpush(plan.dst, ...chunk.map((i) => i.push!));
    return chunk.map(() => true);
  }
  // In order, one key: a push the chunk holds twice is added once, the second ZADD NX answers 0.
  const pipeline = ctx.redis.pipeline();
  for (const { push } of chunk) pipeline.zadd(plan.dst, "NX", plan.at, push!);
  return (await execAll(pipeline)).map((added) => added === 1);
}

/** Removes copies whose DLQ entry another admin moved first (a worker may have taken one already). */
async function takeBack(ctx: EngineContext, plan: Plan, pushes: Buffer[]): Promise<void> {
  const pipeline = ctx.redis.pipeline();
  for (const push of pushes) {
    if (plan.mode === "requeue") pipeline.lrem(plan.dst, 1, push);
    else pipeline.zrem(plan.dst, push);
  }
  await execAll(pipeline);
}
