import { loadDueRetries } from "../../bench/lib/data";
import { createTask, getTask } from "../../lib/tasks/redrive";
import { jobIdOf, takeCensus, type Census } from "../lib/census";
import { loadDeadLetters, QUEUE, sleep, waitUntil, type Observer } from "../lib/fixture";
import { withRig } from "../lib/rig";
import type { WorkerProcess } from "../lib/worker";

/**
 * Two worker service processes; one is SIGKILLed mid-work. During promotion
 * the other carries on (each promotion call is atomic, so a batch is moved
 * whole or not at all); during a requeue-all task the other takes the task
 * over once its lease (TASK_LEASE_SECONDS) has run out, from where it stopped.
 */

export interface WorkerKillResult {
  scenario: string;
  fsync: "always";
  census: Census;
  recoverSeconds: number;
}

const ENV = { QUEUES: QUEUE, RETRY_WORKER_INTERVAL_SECONDS: "0.1" };

/** The instance id's pid (host:pid:random) of the worker that holds the task. */
function ownerPid(owner: string): number {
  return Number(owner.split(":").at(-2));
}

/** SIGKILLs `victim`, waits until the surviving worker has done `what`, and counts every id. */
async function afterKill(
  o: Observer,
  victim: WorkerProcess,
  produced: Set<string>,
  what: string,
  done: () => Promise<boolean>,
  timeoutMs?: number,
): Promise<Pick<WorkerKillResult, "census" | "recoverSeconds">> {
  await victim.kill("SIGKILL");
  const killed = Date.now();
  await waitUntil(what, async () => ((await done()) ? true : undefined), timeoutMs);
  return {
    census: await takeCensus(o.redis, o.keys, produced),
    recoverSeconds: (Date.now() - killed) / 1000,
  };
}

export async function workerKillDuringTask(entries: number): Promise<WorkerKillResult> {
  return withRig({ fsync: "always", env: ENV }, async ({ o, startWorker }) => {
    const workers = [startWorker(), startWorker()];
    const produced = await loadDeadLetters(o, entries);
    await Promise.all(workers.map((w) => w.waitFor('"retry worker started"')));
    await createTask(o.engine.ctx, QUEUE, "requeue", 0, "chaos");
    const owner = await waitUntil("the task to get going", async () => {
      const t = await getTask(o.engine.ctx, QUEUE);
      return t && t.moved >= entries * 0.3 ? t.owner : undefined;
    });
    const victim = workers.find((w) => w.child.pid === ownerPid(owner))!;
    const counted = await afterKill(
      o,
      victim,
      produced,
      "the other worker to finish the task",
      async () => (await getTask(o.engine.ctx, QUEUE))?.state === "done",
      120_000,
    );
    return { scenario: "worker SIGKILL mid-task (2 workers)", fsync: "always", ...counted };
  });
}

export async function workerKillDuringPromotion(retries: number): Promise<WorkerKillResult> {
  return withRig({ fsync: "always", env: ENV }, async ({ o, startWorker }) => {
    await loadDueRetries(o.redis, o.keys.retry, retries);
    const members = await o.redis.zrangeBuffer(o.keys.retry, "0", "-1");
    const produced = new Set(members.map((m) => jobIdOf(m)!));
    const workers = [startWorker(), startWorker()];
    await waitUntil("promotion to start", async () =>
      (await o.redis.llen(o.keys.work)) > 0 ? true : undefined,
    );
    await sleep(Math.random() * 50);
    const counted = await afterKill(
      o,
      workers[0]!,
      produced,
      "the other worker to promote the rest",
      async () => (await o.redis.zcard(o.keys.retry)) === 0,
    );
    return { scenario: "worker SIGKILL mid-promotion (2 workers)", fsync: "always", ...counted };
  });
}
