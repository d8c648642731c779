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
import { redisStall } from "./scenarios/redis-stall";
import { workerKillDuringPromotion, workerKillDuringTask } from "./scenarios/worker-kill";

/**
 * `npm run chaos [-- --only <name,...>]`: every fault scenario on real
 * processes (redis-server with an append-only file, the worker service, the
 * dashboard with npm start, producers and consumers), one after another,
 * then the results table and a JSON summary as the last line. Under 10
 * minutes on 2 cores.
 */

interface Row {
  scenario: string;
  fsync: string;
  census: Census;
  recoverSeconds: number;
  /** What the dashboard, the producers or a requeue were told meanwhile. */
  shown: string;
}

const TASK_ENTRIES = 200_000;

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
      r.scenario,
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
  if (names.includes("redis-stall") || names.includes("redis-kill-api")) {
    ensureProductionBuild("[chaos]");
  }
  const rows: Row[] = [];
  for (const name of names) {
    process.stdout.write(`[chaos] ${name} …\n`);
    rows.push(...(await SCENARIOS[name]!()));
  }
  printRows(rows);
  const lost = rows.reduce((n, r) => n + r.census.lost, 0);
  const duplicated = rows.reduce((n, r) => n + r.census.duplicated, 0);
  console.log(
    JSON.stringify({
      suite: "chaos",
      startedAt: new Date(started).toISOString(),
      durationSeconds: (Date.now() - started) / 1000,
      lost,
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
