/**
 * What follows a DLQ move, outside its script: the moved entries' metadata
 * hashes are deleted and the resolved counts kept. Neither undoes the move
 * when it fails.
 */
import type { ChainableCommander } from "ioredis";
import { countResolved } from "./counters";
import { pipeScript } from "../redis/scripts";
import { execBySlot } from "../redis/pipeline";
import { nowSeconds, type EngineContext } from "./context";
import { failedAtOf, metadataKeyOf, sha1 } from "./message";
import type { Located, MoveMode } from "./move-items";
import { parseTopLevel } from "./rawJson";

/** After a move: the metadata hashes and the resolved counts (neither undoes the move if it fails). */
export async function settle(ctx: EngineContext, queue: string, mode: MoveMode, done: Located[]) {
  // The entries moved: a hash left behind (Redis went away) expires with the retention.
  await deleteMetadata(ctx, done).catch(() => undefined);
  const w = waits(ctx, done);
  const resolved = { mode, moved: done.length, dated: w.length, waitSeconds: sum(w) };
  await countResolved(ctx, queue, resolved).catch(() => undefined);
}

/**
 * Deletes the metadata hashes of entries that left the DLQ, each only while
 * it still names that entry (a newer failure of the same job and file may own
 * it now). After the move, not in it: the hashes lie in other Cluster slots
 * than the lists. A crash in between leaves a hash that expires with the
 * retention.
 */
async function deleteMetadata(ctx: EngineContext, moved: Located[]): Promise<void> {
  if (moved.length === 0) return;
  const batches = moved.map((m) => {
    const key = metadataKeyOf(m.raw, parseTopLevel(m.raw));
    return {
      key,
      add: (p: ChainableCommander) => pipeScript(p, "deleteMetadata", [key], [sha1(m.raw)]),
    };
  });
  await execBySlot(ctx.redis, batches);
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + Math.max(0, b), 0);

/** How long each entry waited in the DLQ (entries without a failure time are left out). */
function waits(ctx: EngineContext, entries: Located[]): number[] {
  const now = nowSeconds(ctx);
  return entries.flatMap((e) => {
    const at = failedAtOf(e.raw);
    return at === null ? [] : [now - at];
  });
}
