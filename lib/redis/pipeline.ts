import type { ChainableCommander } from "ioredis";
import { isCluster, type RedisClient } from "./client";
import { keySlot } from "./slots";

/** Runs a pipeline or MULTI and returns its replies, throwing the first error. */
export async function execAll(pipeline: ChainableCommander): Promise<unknown[]> {
  const results = await pipeline.exec();
  if (!results) throw new Error("transaction aborted");
  return results.map(([err, reply]) => {
    if (err) throw err;
    return reply;
  });
}

/** Commands on one key's slot, queued by `add` (any number of them). */
export interface SlotBatch {
  key: string;
  add(pipeline: ChainableCommander): unknown;
}

/**
 * Runs batches of commands whose keys lie in many hash slots and returns each
 * batch's replies, in order, throwing the first error. On one server that is
 * one pipeline, as before; a Cluster serves each slot from its own master and
 * refuses a pipeline that spans them, so there each slot gets its own
 * pipeline, all sent at once. With `transaction`, each group is a MULTI
 * instead: all the batches at once on one server, each slot's on a Cluster.
 */
export async function execBySlot(
  client: RedisClient,
  batches: SlotBatch[],
  transaction = false,
): Promise<unknown[][]> {
  const groups = slotGroups(
    client,
    batches.map((b) => b.key),
  );
  const replies: unknown[][] = new Array(batches.length);
  await Promise.all(
    groups.map(async (group) => {
      if (group.length === 0) return;
      const pipeline = transaction ? client.multi() : client.pipeline();
      const counts = group.map((i) => {
        const before = pipeline.length;
        batches[i]!.add(pipeline);
        return pipeline.length - before;
      });
      const flat = await execAll(pipeline);
      let at = 0;
      group.forEach((i, k) => {
        replies[i] = flat.slice(at, at + counts[k]!);
        at += counts[k]!;
      });
    }),
  );
  return replies;
}

/**
 * The positions of `keys` grouped so that each group may go in one script
 * call or pipeline: all of them on one server, one group per hash slot on a
 * Cluster.
 */
export function slotGroups(client: RedisClient, keys: string[]): number[][] {
  if (!isCluster(client)) return keys.length > 0 ? [keys.map((_, i) => i)] : [];
  const bySlot = new Map<number, number[]>();
  keys.forEach((key, i) => {
    const slot = keySlot(key);
    const group = bySlot.get(slot);
    if (group) group.push(i);
    else bySlot.set(slot, [i]);
  });
  return [...bySlot.values()];
}

/** One command per key, e.g. HGET of metadata hashes: its replies in key order. */
export async function execEachKey(
  client: RedisClient,
  keys: string[],
  add: (pipeline: ChainableCommander, key: string) => unknown,
): Promise<unknown[]> {
  const replies = await execBySlot(
    client,
    keys.map((key) => ({ key, add: (p) => add(p, key) })),
  );
  return replies.map((r) => r[0]);
}
