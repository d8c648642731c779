import { createTask, getTask } from "../../lib/tasks/redrive";
import { takeCensus, type Census } from "../lib/census";
import { loadDeadLetters, QUEUE, sleep, waitUntil } from "../lib/fixture";
import type { DlqWriter } from "../../bench/lib/data";
import type { Fsync } from "../lib/redis";
import { withRig } from "../lib/rig";

/**
 * redis-server SIGKILLed and started again while the worker service runs a
 * requeue-all task: the task must finish by itself, and every job id must be
 * in the work list exactly once. On Python-written dead letters the drain
 * reads windows into Node.js; on Redrive-written ones it keeps a second
 * requeueTail call queued in Redis behind the running one, so the kill can
 * land with a call sent and unanswered (lib/queues/drain.ts).
 */

export interface TaskKillResult {
  scenario: string;
  fsync: Fsync;
  writer: DlqWriter;
  census: Census;
  /** How far the task had got when Redis was killed. */
  movedAtKill: number;
  /** From the restart to the task's "done". */
  recoverSeconds: number;
  taskState: string;
}

export async function redisKillDuringTask(
  fsync: Fsync,
  entries: number,
  killAtFraction = 0.3,
  writer: DlqWriter = "python",
): Promise<TaskKillResult> {
  const env = { QUEUES: QUEUE, RETRY_WORKER_INTERVAL_SECONDS: "0.2" };
  return withRig({ fsync, env }, async ({ redis, o, startWorker }) => {
    const worker = startWorker();
    const produced = await loadDeadLetters(o, entries, writer);
    await worker.waitFor('"retry worker started"');
    await createTask(o.engine.ctx, QUEUE, "requeue", 0, "chaos");
    const movedAtKill = await waitUntil("the task to get going", async () => {
      const t = await getTask(o.engine.ctx, QUEUE);
      return t && t.moved >= entries * killAtFraction ? t.moved : undefined;
    });
    await redis.kill();
    await sleep(500);
    await redis.restart();
    const restarted = Date.now();
    const task = await waitUntil(
      "the task to finish after the restart",
      async () => {
        const t = await getTask(o.engine.ctx, QUEUE);
        return t && t.state !== "running" && t.state !== "pending" ? t : undefined;
      },
      120_000,
    );
    const recoverSeconds = (Date.now() - restarted) / 1000;
    await worker.kill("SIGTERM");
    const census = await takeCensus(o.redis, o.keys, produced);
    return {
      scenario: `redis SIGKILL during a requeue-all task (${writer}-written)`,
      fsync,
      writer,
      census,
      movedAtKill,
      recoverSeconds,
      taskState: task.state,
    };
  });
}
