import { ensureProductionBuild } from "../scripts/production-build";
import { Count, printTable } from "../bench/lib/table";
import type { Census } from "./lib/census";
import { clockSkew } from "./scenarios/clock-skew";
import { consumerDeaths } from "./scenarios/consumer-deaths";
import { redisFull } from "./scenarios/redis-full";
import { redisMisconf } from "./scenarios/redis-misconf";
import { redisKillDuringApiBurst } from "./scenarios/redis-kill-api";
import { redisKillDuringTask } from "./scenarios/redis-kill-task";
import { redisKillDuringTraffic } from "./scenarios/redis-kill-traffic";
import { redisEvicts } from "./scenarios/redis-evicts";
import { redisStall } from "./scenarios/redis-stall";
import { hugeEntries, type HugeStep } from "./scenarios/huge-entries";
import { workerKillDuringPromotion, workerKillDuringTask } from "./scenarios/worker-kill";
import { clusterProcesses } from "./scenarios/cluster-processes";

/**
 * `npm run chaos [-- --only <name,...>]`: every fault scenario on real
 * processes (redis-server with an append-only file, the worker service, the
 * dashboard with npm start, producers and consumers), one after another,
 * then the results table and a JSON summary as the last line (about 7
 * minutes on 2 cores: 404 s measured). It exits 1
 * when a scenario lost a message, except under the settings the README
 * calls unsafe (an evicting maxmemory-policy), whose losses it shows.
 */

interface Row {
  scenario: string;
  fsync: string;
  census: Census;
  recoverSeconds: number;
  /** What the dashboard, the producers or a requeue were told meanwhile. */
  shown: string;
  /**
   * A set-up the README calls unsafe (an evicting maxmemory-policy): its
   * losses are what the warning is about, shown but not failing the run.
   */
  unsafe?: boolean;
}

const TASK_ENTRIES = 200_000;

/** Steps of the huge-entries scenario, printed in a table of their own. */
const hugeSteps: HugeStep[] = [];

const SCENARIOS: Record<string, () => Promise<Row[]>> = {
  "redis-kill-traffic": async () => {
    const rows: Row[] = [];
    for (const fsync of ["always", "everysec"] as const) {
      const r = await redisKillDuringTraffic(fsync);
      rows.push({ ...r, shown: `${r.writesLastSecond} writes in the second before the kill` });
    }
    return rows;
  },
  "redis-kill-task": async () => {
    const rows: Row[] = [];
    for (const writer of ["python", "redrive"] as const) {
      for (const fsync of ["always", "everysec"] as const) {
        const r = await redisKillDuringTask(fsync, TASK_ENTRIES, 0.3, writer);
        rows.push({ ...r, shown: `task ${r.taskState}; ${r.movedAtKill} moved at the kill` });
      }
    }
    return rows;
  },
  "redis-kill-api": async () => {
    const rows: Row[] = [];
    for (const fsync of ["always", "everysec"] as const) {
      const r = await redisKillDuringApiBurst(fsync);
      const waited = r.inProgress > 0 ? `, ${r.inProgress} IN_PROGRESS waited out` : "";
      const other = r.other.length > 0 ? `, other: ${r.other.join(" ")}` : "";
      rows.push({
        ...r,
        shown: `${r.requeued} requeued, ${r.unavailable} × 503 resent${waited}${other}`,
      });
    }
    return rows;
  },
  "worker-kill": async () => [
    { ...(await workerKillDuringPromotion(100_000)), shown: "the other worker promoted the rest" },
    { ...(await workerKillDuringTask(TASK_ENTRIES)), shown: "task resumed after its 30 s lease" },
  ],
  "consumer-deaths": async () => {
    const r = await consumerDeaths(1000);
    return [{ ...r, shown: `${r.deaths} deaths; ${r.recovered} returned by the worker` }];
  },
  "clock-skew": async () => {
    const r = await clockSkew();
    return [
      {
        ...r,
        shown: `earliest ${r.maxEarlySeconds.toFixed(1)} s before due (skew ${r.skewSeconds} s); ${r.tooEarly} earlier`,
      },
    ];
  },
  "redis-stall": async () => {
    const r = await redisStall();
    return [{ ...r, shown: `/api/health: ${r.shown}` }];
  },
  "redis-full": async () => {
    const r = await redisFull();
    return [
      {
        ...r,
        shown: `${r.refused} writes refused (OOM); banner ${r.shown}; requeue ${r.requeue}`,
      },
    ];
  },
  "redis-evicts": async () => {
    const rows: Row[] = [];
    for (const policy of ["allkeys-lru", "volatile-lru"] as const) {
      const r = await redisEvicts(policy);
      const { deadLetters: d, metadataHashes: h } = r;
      rows.push({
        ...r,
        unsafe: true,
        shown:
          `${r.evictedKeys} keys evicted; DLQ ${d.before} → ${d.after}, ` +
          `metadata hashes ${h.before} → ${h.after}; banner ${r.shown}`,
      });
    }
    return rows;
  },
  "huge-entries": async () => {
    const r = await hugeEntries();
    hugeSteps.push(...r.steps);
    const worst = Math.max(...r.steps.map((s) => s.stalls.pingMaxMs));
    const memory = Math.max(...r.steps.map((s) => s.dashboardPeakMb));
    return [
      {
        ...r,
        shown: `longest stall ${Math.round(worst)} ms; dashboard ≤ ${Math.round(memory)} MB`,
      },
    ];
  },
  "cluster-processes": async () => {
    const r = await clusterProcesses();
    const { 200: one = 0, 202: tasks = 0, ...other } = r.answers;
    const others = Object.entries(other).map(([status, n]) => `, ${n} × ${status}`);
    return [
      {
        ...r,
        fsync: "none (Cluster)",
        shown: `${one} one-message requeues (200), ${tasks} requeue-all tasks (202)${others.join("")}`,
      },
    ];
  },
  "redis-misconf": async () => {
    const r = await redisMisconf();
    return [
      {
        ...r,
        shown: `${r.refused} writes refused (MISCONF); banner ${r.shown}; refused acks redelivered`,
      },
    ];
  },
};

function onlyOf(args: string[]): string[] {
  const i = args.indexOf("--only");
  const names = i >= 0 ? (args[i + 1] ?? "").split(",") : Object.keys(SCENARIOS);
  const unknown = names.filter((n) => !(n in SCENARIOS));
  if (unknown.length > 0) {
    throw new Error(
      `unknown scenario ${unknown.join(", ")}; known: ${Object.keys(SCENARIOS).join(", ")}`,
    );
  }
  return names;
}

function printHugeSteps(): void {
  if (hugeSteps.length === 0) return;
  printTable(
    "50 MB entries among 1 M small: what other Redis clients felt, and memory",
    [
      "step",
      "seconds",
      "longest PING ms",
      "PINGs ≥ 10 ms",
      "commands ≥ 10 ms",
      "slowest",
      "dashboard MB",
      "worker MB",
    ],
    hugeSteps.map((s) => [
      s.step,
      s.seconds,
      Math.round(s.stalls.pingMaxMs),
      new Count(s.stalls.pingsOver10),
      new Count(s.stalls.slowCommands),
      s.stalls.slowest,
      Math.round(s.dashboardPeakMb),
      Math.round(s.workerPeakMb),
    ]),
  );
}

function printRows(rows: Row[]): void {
  printTable(
    "Fault scenarios (ids counted in every key and against what consumers ran)",
    [
      "scenario",
      "fsync",
      "produced",
      "delivered",
      "queued",
      "in DLQ",
      "lost",
      "duplicated",
      "recover s",
      "shown meanwhile",
    ],
    rows.map((r) => [
      r.unsafe ? `${r.scenario} (unsafe, see README)` : r.scenario,
      r.fsync,
      new Count(r.census.produced),
      new Count(r.census.delivered),
      new Count(r.census.work + r.census.processing + r.census.retry),
      new Count(r.census.dlq),
      new Count(r.census.lost),
      new Count(r.census.duplicated),
      r.recoverSeconds,
      r.shown,
    ]),
  );
}

async function main(): Promise<void> {
  const started = Date.now();
  const names = onlyOf(process.argv.slice(2));
  // The dashboard runs the production build (npm start); it throws when the build fails.
  if (["redis-stall", "redis-kill-api", "huge-entries"].some((n) => names.includes(n))) {
    ensureProductionBuild("[chaos]");
  }
  const rows: Row[] = [];
  for (const name of names) {
    process.stdout.write(`[chaos] ${name} …\n`);
    rows.push(...(await SCENARIOS[name]!()));
  }
  printRows(rows);
  printHugeSteps();
  const safe = rows.filter((r) => !r.unsafe);
  const lost = safe.reduce((n, r) => n + r.census.lost, 0);
  const lostUnsafe = rows.filter((r) => r.unsafe).reduce((n, r) => n + r.census.lost, 0);
  const duplicated = rows.reduce((n, r) => n + r.census.duplicated, 0);
  console.log(
    JSON.stringify({
      suite: "chaos",
      startedAt: new Date(started).toISOString(),
      durationSeconds: (Date.now() - started) / 1000,
      lost,
      lostUnderUnsafeSettings: lostUnsafe,
      duplicated,
      scenarios: rows,
    }),
  );
  process.exitCode = lost > 0 ? 1 : 0;
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
