import { cpus, loadavg } from "node:os";
import { scenarioMemory } from "./engine/memory";
import { scenarioPromotion } from "./engine/promotion";
import { scenarioRequeueAll } from "./engine/requeue-all";
import { scenarioRequeueOne } from "./engine/requeue-one";
import { QUEUE, sizes } from "./engine/shared";
import { scenarioTask } from "./engine/task";
import { runClusterBench } from "./engine/cluster";
import { count, only, parseOptions, scale } from "./lib/options";
import { peerVersion } from "./lib/peers";
import { startBenchServer, type BenchServer } from "./lib/server";
import { summarize, type Summary, type Target } from "./lib/summary";
import { printTable } from "./lib/table";

/**
 * `npm run bench -- engine [--scale F] [--runs N] [--only a,b,c,d,e]`: Redrive's
 * queue engine against BullMQ and a one-message-per-call promoter, on a
 * redis-server of its own, each scenario on an empty server:
 *   a) promotion of due retries;
 *   b) requeue all and delete all of a DLQ, entries written by the Python
 *      backend first, then by Redrive, against BullMQ's retryJobs and
 *      clean(0, 0, "failed") on as many failed jobs, with where the time goes;
 *   c) requeue one message at the head, middle and end of a DLQ;
 *   d) requeue all as a task: createTask, run by the worker's task loop;
 *   e) Redis memory per dead letter against a BullMQ failed job.
 *
 * With --cluster: promotion and requeue-all on a local Redis Cluster beside
 * one redis-server (bench/engine/cluster.ts) instead.
 *
 * Options: --scale F (0 < F ≤ 1) shrinks every size; --runs N repeats every
 * throughput figure (3: the median is reported, the minimum beside it); --only
 * picks scenarios. --scale and --only are for looking around while developing:
 * the targets are judged on a full run.
 */

const SCENARIOS = {
  a: scenarioPromotion,
  b: scenarioRequeueAll,
  c: scenarioRequeueOne,
  d: scenarioTask,
  e: scenarioMemory,
} as const;

type ScenarioId = keyof typeof SCENARIOS;

const OPTIONS = {
  scale: scale(),
  runs: count("--runs", 3),
  only: only(Object.keys(SCENARIOS) as ScenarioId[]),
};

/** The PING monitor's worst, p99 and median over 3 s of an idle server: the reference for the rest. */
async function idlePing(b: BenchServer) {
  // Let the monitor's thread and connection warm up before the idle reference.
  await new Promise((r) => setTimeout(r, 1000));
  const idle = await b.ping.measure(() => new Promise((r) => setTimeout(r, 3000)));
  printTable(
    `Idle redis-server ${b.redisVersion}: PING every 1 ms for 3 s, nothing else running`,
    ["samples", "worst ms", "p99 ms", "p50 ms"],
    [[idle.ping.count, idle.ping.worstMs, idle.ping.p99Ms, idle.ping.p50Ms]],
  );
  return idle.ping;
}

export async function run(args: string[]): Promise<Summary> {
  if (args.includes("--cluster")) return runClusterBench(args);
  const o = parseOptions(args, OPTIONS);
  const sz = sizes(o.scale, o.runs);
  const started = new Date();
  const environment = {
    node: process.version,
    cpus: cpus().length,
    loadavg1mAtStart: loadavg()[0],
    bullmq: peerVersion("bullmq"),
    scale: o.scale,
    runs: o.runs,
    scenarios: o.only,
    pingMonitor: "second ioredis client in a process of its own, next PING 1 ms after each reply",
  };
  console.log(
    `Redrive engine benchmark — node ${process.version}, ${cpus().length} CPUs, ` +
      `load ${loadavg()[0]!.toFixed(2)}, BullMQ ${environment.bullmq}, ${o.runs} runs per figure` +
      (o.scale < 1 ? `, scale ${o.scale} (targets are only meaningful at scale 1)` : ""),
  );

  const b = await startBenchServer(QUEUE);
  console.log(`Priority: ${b.priority}.`);
  try {
    const targets: Target[] = [];
    const results: Record<string, unknown> = { idlePing: await idlePing(b) };
    for (const id of Object.keys(SCENARIOS) as ScenarioId[]) {
      if (!o.only.includes(id)) continue;
      const outcome = await SCENARIOS[id](b, sz);
      targets.push(...outcome.targets);
      Object.assign(results, outcome.results);
    }
    return summarize(
      "engine",
      started,
      { ...environment, redis: b.redisVersion, priority: b.priority },
      results,
      targets,
    );
  } finally {
    await b.stop();
  }
}
