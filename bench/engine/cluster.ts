import { cpus, loadavg } from "node:os";
import { loadConfig, type Config } from "../../lib/config";
import { keysOf } from "../../lib/queues/context";
import { QueueEngine } from "../../lib/queues/engine";
import { masters, type RedisClient } from "../../lib/redis/client";
import { createRedis } from "../../lib/redis/connection";
import { startEmbeddedRedis } from "../../scripts/embedded-redis";
import { startLocalCluster } from "../../scripts/local-cluster";
import { check } from "../lib/check";
import { dlqEntry, loadDueRetries } from "../lib/data";
import { count, parseOptions, scale } from "../lib/options";
import { PingMonitor, type PingStats } from "../lib/ping";
import { summarize, type Summary } from "../lib/summary";
import { printTable } from "../lib/table";

/**
 * `npm run bench -- engine --cluster [--scale F] [--runs N]`: promotion and
 * requeue-all on a local Redis Cluster (three masters, three replicas, from
 * scripts/local-cluster.ts) beside one redis-server, in the same run: four
 * queues, each on the master its hash tag picks, moved at once; msg/s and the
 * worst PING of each master (a monitor per node). Report only: six
 * redis-servers on two shared cores cannot show what a shard adds.
 */
const QUEUES = ["document", "audio", "video", "graph"];

const OPTIONS = { scale: scale(), runs: count("--runs", 3) };

interface Setup {
  name: string;
  engine: QueueEngine;
  redis: RedisClient;
  monitors: { node: string; ping: PingMonitor }[];
  flush(): Promise<void>;
  stop(): Promise<void>;
}

async function standalone(): Promise<Setup> {
  const server = await startEmbeddedRedis();
  const config = loadConfig({
    NODE_ENV: "production",
    QUEUES: QUEUES.join(","),
    REDIS_URL: server.url,
  });
  return setupOf("standalone", config, [server.url], async () => server.stop());
}

async function cluster(): Promise<Setup> {
  const c = await startLocalCluster();
  const config = loadConfig({
    NODE_ENV: "production",
    QUEUES: QUEUES.join(","),
    REDIS_URL: c.nodes[0]!.url,
    REDIS_CLUSTER_NODES: c.nodeList,
    REDIS_KEY_STYLE: "hashtag",
    REDIS_WAIT_REPLICAS: "0",
  });
  const urls = (await c.masters()).map((m) => m.url);
  return setupOf("cluster", config, urls, () => c.stop());
}

async function setupOf(
  name: string,
  config: Config,
  masterUrls: string[],
  stop: () => Promise<void>,
): Promise<Setup> {
  const redis = createRedis(undefined, { maxRetriesPerRequest: 1 }, config);
  await new Promise((r) => redis.once("ready", r));
  const monitors = await Promise.all(
    masterUrls.map(async (url) => ({
      node: url.split(":").pop()!,
      ping: await PingMonitor.start(url),
    })),
  );
  return {
    name,
    engine: new QueueEngine(redis, config),
    redis,
    monitors,
    flush: async () => void (await Promise.all(masters(redis).map((m) => m.flushall()))),
    stop: async () => {
      await Promise.all(monitors.map((m) => m.ping.close()));
      redis.disconnect();
      await stop();
    },
  };
}

interface Measured {
  msgPerSecond: number;
  worstPingMs: Record<string, number>;
}

/** Runs `fn` on every queue at once, with every master's PING monitor open. */
async function measured(
  s: Setup,
  n: number,
  fn: (queue: string) => Promise<number>,
): Promise<Measured> {
  await Promise.all(s.monitors.map((m) => m.ping.begin()));
  const t0 = performance.now();
  const moved = await Promise.all(QUEUES.map(fn));
  const ms = performance.now() - t0;
  const pings: PingStats[] = await Promise.all(s.monitors.map((m) => m.ping.end()));
  check(
    moved.reduce((a, b) => a + b, 0) === n,
    `${s.name}: moved ${moved.join("+")}, expected ${n}`,
  );
  const worst = Object.fromEntries(s.monitors.map((m, i) => [m.node, pings[i]!.worstMs]));
  return { msgPerSecond: (n / ms) * 1000, worstPingMs: worst };
}

async function promotion(s: Setup, perQueue: number): Promise<Measured> {
  await s.flush();
  for (const q of QUEUES) await loadDueRetries(s.redis, keysOf(s.engine.ctx, q).retry, perQueue);
  return measured(s, perQueue * QUEUES.length, (q) => s.engine.promoteDue(q));
}

async function requeueAll(s: Setup, perQueue: number): Promise<Measured> {
  await s.flush();
  const at = new Date();
  for (const q of QUEUES) {
    const dlq = keysOf(s.engine.ctx, q).dlq;
    for (let i = 0; i < perQueue; i += 1000) {
      const part = Array.from({ length: Math.min(1000, perQueue - i) }, (_, k) =>
        dlqEntry("python", i + k, q, at),
      );
      await s.redis.lpush(dlq, ...part);
    }
  }
  return measured(s, perQueue * QUEUES.length, async (q) => (await s.engine.requeueAll(q)).moved);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

interface Figure {
  setup: string;
  scenario: string;
  messages: number;
  runs: Measured[];
}

function rowOf(f: Figure): (string | number)[] {
  const rates = f.runs.map((r) => r.msgPerSecond);
  const nodes = Object.keys(f.runs[0]!.worstPingMs);
  const worst = nodes.map(
    (n) => `${n}: ${Math.max(...f.runs.map((r) => r.worstPingMs[n]!)).toFixed(1)}`,
  );
  return [
    f.setup,
    f.scenario,
    f.messages,
    Math.round(median(rates)),
    Math.round(Math.min(...rates)),
    Math.round(Math.max(...rates)),
    worst.join(", "),
  ];
}

export async function runClusterBench(args: string[]): Promise<Summary> {
  const o = parseOptions(args, OPTIONS);
  const started = new Date();
  const perQueue = Math.max(1000, Math.round(50_000 * o.scale));
  console.log(
    `Redrive engine on a Cluster — node ${process.version}, ${cpus().length} CPUs, load ${loadavg()[0]!.toFixed(2)}, ` +
      `${QUEUES.length} queues of ${perQueue} messages moved at once, ${o.runs} runs per figure`,
  );
  const figures: Figure[] = [];
  for (const start of [standalone, cluster]) {
    const s = await start();
    try {
      for (const [scenario, fn] of [
        ["promotion", promotion],
        ["requeue all (Python-written)", requeueAll],
      ] as const) {
        const runs: Measured[] = [];
        for (let i = 0; i < o.runs; i++) runs.push(await fn(s, perQueue));
        figures.push({ setup: s.name, scenario, messages: perQueue * QUEUES.length, runs });
      }
    } finally {
      await s.stop();
    }
  }
  printTable(
    "Standalone and Cluster, same run (report only: six servers share two cores)",
    [
      "setup",
      "scenario",
      "messages",
      "median msg/s",
      "min msg/s",
      "max msg/s",
      "worst PING ms per master port",
    ],
    figures.map(rowOf),
  );
  const results = Object.fromEntries(
    figures.map((f) => [
      `${f.setup}:${f.scenario}`,
      {
        messages: f.messages,
        msgPerSecond: f.runs.map((r) => Math.round(r.msgPerSecond)),
        worstPingMs: f.runs.map((r) => r.worstPingMs),
      },
    ]),
  );
  return summarize(
    "engine --cluster",
    started,
    { node: process.version, cpus: cpus().length, runs: o.runs, scale: o.scale },
    results,
    [],
  );
}
