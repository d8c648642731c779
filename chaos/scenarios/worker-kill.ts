import { loadDueRetries } from "../../bench/lib/data";
import { createTask, getTask } from "../../lib/tasks/redrive";
import { jobIdOf, takeCensus, type Census } from "../lib/census";
import { loadDeadLetters, observe, QUEUE, sleep, waitUntil } from "../lib/fixture";
import { startDurableRedis } from "../lib/redis";
import { startWorker, type WorkerProcess } from "../lib/worker";

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

function twoWorkers(url: string): WorkerProcess[] {
  return [startWorker({ REDIS_URL: url, ...ENV }), startWorker({ REDIS_URL: url, ...ENV })];
}

/** The instance id's pid (host:pid:random) of the worker that holds the task. */
function ownerPid(owner: string): number {
  return Number(owner.split(":").at(-2));
}

export async function workerKillDuringTask(entries: number): Promise<WorkerKillResult> {
  const redis = await startDurableRedis("always");
  const o = observe(redis.url, ENV);
  const workers = twoWorkers(redis.url);
  try {
    const produced = await loadDeadLetters(o, entries);
    await Promise.all(workers.map((w) => w.waitFor('"retry worker started"')));
    await createTask(o.engine.ctx, QUEUE, "requeue", 0, "chaos");
    const owner = await waitUntil("the task to get going", async () => {
      const t = await getTask(o.engine.ctx, QUEUE);
      return t && t.moved >= entries * 0.3 ? t.owner : undefined;
    });
    const victim = workers.find((w) => w.child.pid === ownerPid(owner))!;
    await victim.kill("SIGKILL");
    const killed = Date.now();
    await waitUntil(
      "the other worker to finish the task",
      async () => ((await getTask(o.engine.ctx, QUEUE))?.state === "done" ? true : undefined),
      120_000,
    );
    return {
      scenario: "worker SIGKILL mid-task (2 workers)",
      fsync: "always",
      census: await takeCensus(o.redis, o.keys, produced),
      recoverSeconds: (Date.now() - killed) / 1000,
    };
  } finally {
    await Promise.all(workers.map((w) => w.kill()));
    o.redis.disconnect();
    await redis.stop();
  }
}

export async function workerKillDuringPromotion(retries: number): Promise<WorkerKillResult> {
  const redis = await startDurableRedis("always");
  const o = observe(redis.url, ENV);
  let workers: WorkerProcess[] = [];
  try {
    await loadDueRetries(o.redis, o.keys.retry, retries);
    const members = await o.redis.zrangeBuffer(o.keys.retry, "0", "-1");
    const produced = new Set(members.map((m) => jobIdOf(m)!));
    workers = twoWorkers(redis.url);
    await waitUntil("promotion to start", async () =>
      (await o.redis.llen(o.keys.work)) > 0 ? true : undefined,
    );
    await sleep(Math.random() * 50);
    await workers[0]!.kill("SIGKILL");
    const killed = Date.now();
    await waitUntil("the other worker to promote the rest", async () =>
      (await o.redis.zcard(o.keys.retry)) === 0 ? true : undefined,
    );
    return {
      scenario: "worker SIGKILL mid-promotion (2 workers)",
      fsync: "always",
      census: await takeCensus(o.redis, o.keys, produced),
      recoverSeconds: (Date.now() - killed) / 1000,
    };
  } finally {
    await Promise.all(workers.map((w) => w.kill()));
    o.redis.disconnect();
    await redis.stop();
  }
}
