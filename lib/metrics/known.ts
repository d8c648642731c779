import "server-only";
import { BATCH, keysOf, nowSeconds, type EngineContext } from "../queues/context";
import { readFacts } from "../queues/errorGroups";
import { knownNow, readGroupNotes } from "../queues/notes";
import { ReadBudget } from "../queues/read";

/**
 * Failures of the last hour in groups an admin marked known (and whose date
 * has not passed), per queue: what the growth alert leaves out, and what
 * `redrive_dlq_known_last_hour_messages` says so that rules outside the
 * dashboard can leave it out too. Counted among the newest BATCH (1 000)
 * dead letters, and only in queues with a known group: a queue that gained
 * more in the hour is counted low, which errs toward alerting.
 */
export async function knownLastHour(ctx: EngineContext): Promise<Map<string, number>> {
  const now = nowSeconds(ctx);
  return knownSince(ctx, () => now - 3600);
}

/**
 * The same count after a time of each queue's own (`since(queue)`, epoch s):
 * the growth alert's, which measures from the first sample of the last hour.
 */
export async function knownSince(
  ctx: EngineContext,
  since: (queue: string) => number,
): Promise<Map<string, number>> {
  const now = nowSeconds(ctx);
  const notes = await readGroupNotes(ctx);
  const out = new Map<string, number>();
  await Promise.all(
    ctx.config.QUEUES.map(async (queue) => {
      const known = [...(notes.get(queue) ?? [])].filter(([, n]) => knownNow(n, now));
      if (known.length === 0) return;
      const { dlq } = keysOf(ctx, queue);
      const { facts } = await readFacts(ctx, dlq, BATCH, new ReadBudget(), false);
      out.set(queue, facts.inGroupsSince(since(queue), new Set(known.map(([id]) => id))));
    }),
  );
  return out;
}
