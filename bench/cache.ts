import { createRequire } from "node:module";
import { cpus, loadavg } from "node:os";
import { scenarioHits } from "./cache/hits";
import { scenarioSeed } from "./cache/seed";
import type { ScenarioResult } from "./cache/shared";
import { count, duration, only, parseOptions } from "./lib/options";
import { peerVersion } from "./lib/peers";
import { summarize, type Summary, type Target } from "./lib/summary";

/**
 * `npm run bench -- cache [--only 1,2] [--rounds N] [--seconds S] [--mode-seconds S]`:
 * Redrive's cache (lib/cache) on a redis-server of its own, each scenario on a
 * fresh server:
 *   1) getOrSet hit throughput, 100 concurrent callers over 10 000 pre-populated
 *      keys, against raw ioredis GET and bentocache's getOrSet with only its Redis tier;
 *   2) the Python backend's claims on a simulated backend (5 ms per query): a Zipf read
 *      workload over users, job statuses and document summaries with the Python
 *      backend's TTLs and 2 % invalidating writes, with the cache off and on.
 *
 * Options (for looking around while developing; targets are judged on a full run):
 * --only 1,2 picks scenarios; --rounds N and --seconds S set scenario 1's rounds
 * and measured seconds per round and system (5 × 1.5 s); --mode-seconds S sets
 * scenario 2's window with the cache on (30 s, six job-status TTLs; OFF runs half).
 */
const OPTIONS = {
  only: only(["1", "2"]),
  rounds: count("--rounds", 5),
  seconds: duration("--seconds", 1.5),
  modeSeconds: duration("--mode-seconds", 30),
};

function environmentOf(o: ReturnType<typeof parseOptions<typeof OPTIONS>>) {
  return {
    node: process.version,
    cpus: cpus().length,
    loadavg1mAtStart: loadavg()[0],
    bentocache: peerVersion("bentocache"),
    ioredisRedrive: (createRequire(import.meta.url)("ioredis/package.json") as { version: string })
      .version,
    ioredisBentocache: peerVersion("ioredis"),
    scenarios: o.only,
    rounds: o.rounds,
    secondsPerRound: o.seconds,
    modeSeconds: o.modeSeconds,
  };
}

function noteBusyMachine(loadAtStart: number | undefined, loadAtEnd: number): void {
  if (Math.max(loadAtStart ?? 0, loadAtEnd) > 1.5) {
    console.log(
      `\nnote: the machine was busy (1-minute load ${loadAtStart?.toFixed(2)} at start, ` +
        `${loadAtEnd.toFixed(2)} at end, ${cpus().length} CPUs): throughput figures are noisy.`,
    );
  }
}

export async function run(args: string[]): Promise<Summary> {
  const o = parseOptions(args, OPTIONS);
  const started = new Date();
  const environment = environmentOf(o);
  console.log(
    `Redrive cache benchmark — node ${process.version}, ${cpus().length} CPUs, load ` +
      `${loadavg()[0]!.toFixed(2)}, bentocache ${environment.bentocache} (ioredis ${environment.ioredisBentocache}), ` +
      `Redrive on ioredis ${environment.ioredisRedrive}`,
  );
  const scenarios: [string, () => Promise<ScenarioResult>][] = [
    ["1", () => scenarioHits(o.rounds, o.seconds * 1000)],
    ["2", () => scenarioSeed(o.modeSeconds * 1000)],
  ];
  const targets: Target[] = [];
  const results: Record<string, unknown> = {};
  let redisVersion = "unknown";
  for (const [id, scenario] of scenarios) {
    if (!o.only.includes(id as "1" | "2")) continue;
    const outcome = await scenario();
    targets.push(...outcome.targets);
    Object.assign(results, outcome.results);
    redisVersion = outcome.redisVersion;
  }
  const loadAtEnd = loadavg()[0]!;
  noteBusyMachine(environment.loadavg1mAtStart, loadAtEnd);
  return summarize(
    "cache",
    started,
    { ...environment, loadavg1mAtEnd: loadAtEnd, redis: redisVersion },
    results,
    targets,
  );
}
