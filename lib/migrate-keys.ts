import type { Config } from "./config";
import { loadConfig } from "./config";
import { runScript } from "./redis/scripts";
import { taskKey } from "./tasks/redrive";
import type { EngineContext } from "./queues/context";
import { queueKeys } from "./queues/keys";

/**
 * Moving live keys from one REDIS_KEY_STYLE to the other (`document_dlq` to
 * `{document}_dlq`), on a standalone Redis, before moving to a Cluster. Each
 * queue's keys are renamed in one script (renameKeys-n.lua): all of them or,
 * when a destination exists already, none. Names set per queue with
 * REDIS_QUEUE_/RETRY_/DLQ_<Q> do not depend on the style and are left alone.
 */
export type KeyStyle = Config["REDIS_KEY_STYLE"];

export interface QueueRename {
  queue: string;
  pairs: [from: string, to: string][];
}

export interface RenameOutcome extends QueueRename {
  renamed: number;
  /** A destination that exists already: nothing of this queue was renamed. */
  conflict: string | null;
}

/** The configuration as it would be under `style` (everything else as it is). */
function withStyle(env: Record<string, string | undefined>, style: KeyStyle): Config {
  return loadConfig({ ...env, REDIS_KEY_STYLE: style });
}

/** The renames that take every queue's keys from style `from` to style `to`. */
export function renamePlan(
  env: Record<string, string | undefined>,
  from: KeyStyle,
  to: KeyStyle,
): QueueRename[] {
  const a = withStyle(env, from);
  const b = withStyle(env, to);
  return a.QUEUES.map((queue) => {
    const ka = queueKeys(a, queue);
    const kb = queueKeys(b, queue);
    const names = (["work", "processing", "leases", "retry", "dlq"] as const).map(
      (k): [string, string] => [ka[k], kb[k]],
    );
    names.push([taskKey(a, queue), taskKey(b, queue)]);
    return { queue, pairs: names.filter(([x, y]) => x !== y) };
  });
}

/** Carries out a plan, queue by queue; a queue with a conflict is reported and left as it was. */
export async function applyRenames(
  ctx: Pick<EngineContext, "redis">,
  plan: QueueRename[],
): Promise<RenameOutcome[]> {
  const out: RenameOutcome[] = [];
  for (const step of plan) {
    if (step.pairs.length === 0) {
      out.push({ ...step, renamed: 0, conflict: null });
      continue;
    }
    const [renamed, conflict] = (await runScript(
      ctx.redis,
      "renameKeys",
      step.pairs.flat(),
      [],
    )) as [number, string];
    out.push({ ...step, renamed, conflict: conflict || null });
  }
  return out;
}
