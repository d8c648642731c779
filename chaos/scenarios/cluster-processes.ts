import { loadConfig, type Config } from "../../lib/config";
import { QueueEngine } from "../../lib/queues/engine";
import { queueKeys } from "../../lib/queues/keys";
import type { RedisClient } from "../../lib/redis/client";
import { createRedis } from "../../lib/redis/connection";
import { Processor } from "../../lib/worker/processor";
import { logIn } from "../../scripts/http-client";
import { startLocalCluster } from "../../scripts/local-cluster";
import { jobIdOf, takeCensus, type Census } from "../lib/census";
import { DASHBOARD_PASSWORD, startDashboard, type Dashboard } from "../lib/dashboard";
import { sleep, waitUntil } from "../lib/fixture";
import { startWorker } from "../lib/worker";

/**
 * Several processes at once on a local Redis Cluster (three masters, three
 * replicas): three worker services and two dashboards, for a minute of
 * traffic on four queues (each on the master its hash tag picks). Producers
 * enqueue, consumers fail a third of the messages (retried, then
 * dead-lettered), and an admin requeues through both dashboards, one message
 * at a time and whole DLQs as tasks. Afterwards every id is counted wherever
 * it is, against what the consumers finished.
 */

const QUEUES = ["document", "audio", "video", "graph"];
const ENV = {
  QUEUES: QUEUES.join(","),
  REDIS_KEY_STYLE: "hashtag",
  RETRY_WORKER_INTERVAL_SECONDS: "0.2",
  RETRY_BACKOFF_BASE_SECONDS: "1",
  MAX_RETRY_ATTEMPTS: "2",
  PROCESSING_LEASE_SECONDS: "5",
};

export interface ClusterProcessesResult {
  scenario: string;
  census: Census;
  /** Admin requeues answered 200 (one-message and tasks), and the other answers. */
  requeues: number;
  answers: Record<string, number>;
  recoverSeconds: number;
}

interface Traffic {
  produced: Set<string>;
  delivered: Map<string, number>;
  stopProducing(): Promise<void>;
  stop(): Promise<void>;
}

/** One queue's producer (about 25 messages a second) and consumers (a third of runs fail). */
function traffic(engine: QueueEngine, connect: () => RedisClient, queue: string): Traffic {
  const produced = new Set<string>();
  const delivered = new Map<string, number>();
  let producing = true;
  let n = 0;
  const producer = (async () => {
    while (producing) {
      const id = `${queue}-${n++}`;
      await engine.enqueue(queue, { id, job_id: id });
      produced.add(id);
      await sleep(40);
    }
  })();
  const processor = new Processor(
    { redis: engine.ctx.redis, config: engine.ctx.config },
    {
      queue,
      connect,
      concurrency: 2,
      blockSeconds: 0.2,
      handler: async (m) => {
        if (Math.random() < 1 / 3) throw new Error("flaky");
        const id = jobIdOf(m.raw);
        if (id) delivered.set(id, (delivered.get(id) ?? 0) + 1);
      },
    },
  );
  processor.start();
  return {
    produced,
    delivered,
    stopProducing: async () => {
      producing = false;
      await producer;
    },
    async stop() {
      producing = false;
      await producer;
      await processor.stop();
    },
  };
}

interface Admin {
  answers: Record<string, number>;
  stop(): Promise<void>;
}

/**
 * An admin working through both dashboards in turn: every 500 ms the oldest
 * dead letter of a queue is requeued by position and identity; every 10 s a
 * whole DLQ is requeued as a task.
 */
function admin(
  dashboards: Dashboard[],
  cookies: string[],
  redis: RedisClient,
  config: Config,
): Admin {
  const answers: Record<string, number> = {};
  let running = true;
  const post = async (at: number, path: string, body: unknown) => {
    const d = at % dashboards.length;
    const res = await fetch(`${dashboards[d]!.url}${path}`, {
      method: "POST",
      headers: {
        cookie: cookies[d]!,
        origin: dashboards[d]!.url,
        "content-type": "application/json",
      },
      body: JSON.stringify(body),
    });
    answers[res.status] = (answers[res.status] ?? 0) + 1;
  };
  const loop = (async () => {
    for (let i = 0; running; i++) {
      const queue = QUEUES[i % QUEUES.length]!;
      if (i % 20 === 19) await post(i, `/api/admin/dlq/${queue}/tasks`, { kind: "requeue" });
      else {
        const dlq = queueKeys(config, queue).dlq;
        const length = await redis.llen(dlq);
        const oldest = length > 0 ? await redis.lindex(dlq, length - 1) : null;
        const id = oldest ? jobIdOf(oldest) : null;
        if (id) {
          const path = `/api/admin/dlq/${queue}/requeue/${length - 1}`;
          await post(i, path, { identity: `id:${id}` });
        }
      }
      await sleep(500);
    }
  })();
  return {
    answers,
    stop: async () => {
      running = false;
      await loop;
    },
  };
}

const sumCensus = (all: Census[]): Census =>
  all.reduce((a, c) => {
    for (const k of Object.keys(a) as (keyof Census)[]) a[k] += c[k];
    return a;
  });

/** Until no queue has work, processing or retries left (the DLQs keep what failed twice). */
async function drained(redis: RedisClient, config: Config): Promise<void> {
  const left = async (q: string) => {
    const k = queueKeys(config, q);
    const [a, b, c] = await Promise.all([
      redis.zcard(k.retry),
      redis.llen(k.work),
      redis.llen(k.processing),
    ]);
    return a + b + c;
  };
  await waitUntil(
    "every queue drained",
    async () => {
      const counts = await Promise.all(QUEUES.map(left));
      return counts.every((n) => n === 0) ? true : undefined;
    },
    120_000,
  );
}

export async function clusterProcesses(runMs = 60_000): Promise<ClusterProcessesResult> {
  const cluster = await startLocalCluster();
  const env = { ...ENV, REDIS_URL: cluster.nodes[0]!.url, REDIS_CLUSTER_NODES: cluster.nodeList };
  const config = loadConfig({ NODE_ENV: "test", ...env });
  const redis = createRedis(undefined, { maxRetriesPerRequest: 3 }, config);
  const engine = new QueueEngine(redis, config);
  const workers = [0, 1, 2].map(() => startWorker(env));
  const dashboards: Dashboard[] = [];
  try {
    await Promise.all(workers.map((w) => w.waitFor('"retry worker started"')));
    for (let i = 0; i < 2; i++)
      dashboards.push(await startDashboard(env.REDIS_URL, env.QUEUES, env));
    const cookies = await Promise.all(
      dashboards.map((d) => logIn(d.url, "admin", DASHBOARD_PASSWORD)),
    );
    const connect = () => createRedis(undefined, { maxRetriesPerRequest: 3 }, config);
    const flows = QUEUES.map((q) => traffic(engine, connect, q));
    const work = admin(dashboards, cookies, redis, config);
    await sleep(runMs);
    await work.stop();
    await Promise.all(flows.map((f) => f.stopProducing()));
    const stopped = Date.now();
    await drained(redis, config);
    const recoverSeconds = (Date.now() - stopped) / 1000;
    await Promise.all(flows.map((f) => f.stop()));
    const census = sumCensus(
      await Promise.all(
        QUEUES.map((q, i) =>
          takeCensus(redis, queueKeys(config, q), flows[i]!.produced, flows[i]!.delivered),
        ),
      ),
    );
    const requeues = work.answers[200] ?? 0;
    return {
      scenario:
        "2 dashboards + 3 workers on a Redis Cluster, 4 queues, 1 min of traffic and requeues",
      census,
      requeues,
      answers: work.answers,
      recoverSeconds,
    };
  } finally {
    await Promise.all(dashboards.map((d) => d.stop()));
    await Promise.all(workers.map((w) => w.kill("SIGTERM")));
    redis.disconnect();
    await cluster.stop();
  }
}
