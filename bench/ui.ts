import { readFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { launchChromium } from "./lib/browser";
import { ensureProductionBuild, ROOT, startNextApp } from "./lib/next-app";
import { count, duration, only, parseOptions, scale } from "./lib/options";
import { startBenchServer } from "./lib/server";
import { summarize, type Summary, type Target } from "./lib/summary";
import { scenarioJs } from "./ui/js";
import { DLQ_SIZE, loadOverviewData, scenarioOverview } from "./ui/overview";
import { QUEUES, type UiOutcome, type UiSystems } from "./ui/shared";
import { scenarioMany } from "./ui/many";
import { scenarioTable } from "./ui/table";

/**
 * `npm run bench -- ui [--scale F] [--runs N] [--only js,overview,table,many] [--timeout S]`:
 * the dashboard as a browser sees it, production build (`next build` +
 * `next start`) on the benchmark's own Redis, the system's Chromium:
 *   1) js: first-load JavaScript of each page, gzipped: target ≤ 250 KB
 *      (bench/ui/js.ts);
 *   2) overview: time from navigating to / until all six of the overview's
 *      charts are drawn, with four 1 000 000-message DLQs and an hour of
 *      metrics history: target median ≤ 1.5 s over 5 runs, each in a fresh
 *      browser context (empty cache: a first visit) (bench/ui/overview.ts);
 *   3) table: the one DataTable at 100, 500 and 2 000 rows (the audit page's
 *      "Denied requests"): the "24 h" window's rows shown, a sort, a filter key
 *      press, each from the input until the next frame is drawn, and polling
 *      with unchanged data; target: sort and filter median ≤ 100 ms at 500 rows,
 *      ≤ 200 ms at 2 000 (bench/ui/table.ts);
 *   4) many: the overview at 100 queues of 10 000 dead letters: time to the
 *      first "needs attention" row painted (and found by a script), the queue
 *      table and the charts; target median ≤ 1.5 s to the first row painted
 *      (bench/ui/many.ts).
 * --scale F shrinks the DLQs, --runs N repeats each timed measurement, --timeout S
 * bounds each wait for the page.
 */

const OPTIONS = {
  scale: scale(),
  runs: count("--runs", 5),
  only: only(["js", "overview", "table", "many"]),
  timeoutS: duration("--timeout", 30),
};

type Options = ReturnType<typeof parseOptions<typeof OPTIONS>> & { timeoutMs: number };

function uiOptions(args: string[]): Options {
  const o = parseOptions(args, OPTIONS);
  return { ...o, timeoutMs: o.timeoutS * 1000 };
}

function packageVersion(name: string): string {
  const file = join(ROOT, "node_modules", name, "package.json");
  return (JSON.parse(readFileSync(file, "utf8")) as { version: string }).version;
}

function environmentOf(o: Options, systems: Omit<UiSystems, "app">, buildSeconds: number) {
  return {
    node: process.version,
    cpus: cpus().length,
    loadavg1mAtStart: loadavg()[0],
    next: packageVersion("next"),
    playwright: packageVersion("@playwright/test"),
    chromium: systems.browser.version(),
    redis: systems.b.redisVersion,
    scale: o.scale,
    dlqSize: dlqSize(o),
    runs: o.runs,
    buildSeconds,
  };
}

const dlqSize = (o: Options) => Math.max(1000, Math.round(DLQ_SIZE * o.scale));

function printHeading(o: Options, environment: ReturnType<typeof environmentOf>): void {
  console.log(
    `Redrive UI benchmark — node ${process.version}, ${cpus().length} CPUs, load ` +
      `${loadavg()[0]!.toFixed(2)}, Next.js ${environment.next}, Chromium ${environment.chromium}` +
      (o.scale < 1 ? `, scale ${o.scale} (targets are only meaningful at scale 1)` : ""),
  );
}

/** The scenarios picked, in order; each adds its results and targets. */
async function measureAll(o: Options, systems: UiSystems, results: Record<string, unknown>) {
  const targets: Target[] = [];
  const add = (outcome: UiOutcome) => {
    Object.assign(results, outcome.results);
    targets.push(...outcome.targets);
  };
  if (o.only.includes("js")) add(await scenarioJs(systems));
  if (o.only.includes("overview")) add(await scenarioOverview(systems, o, dlqSize(o)));
  if (o.only.includes("table")) add(await scenarioTable(systems, o));
  if (o.only.includes("many")) add(await scenarioMany(systems.browser, o));
  return targets;
}

export async function run(args: string[]): Promise<Summary> {
  const o = uiOptions(args);
  const started = new Date();
  const buildSeconds = ensureProductionBuild();
  const stops: (() => Promise<void>)[] = [];
  try {
    const b = await startBenchServer(QUEUES.join(","));
    stops.push(() => b.stop());
    // The PING monitor is for the API benchmark's latency table: nothing here reads it.
    await b.ping.close();
    const browser = await launchChromium();
    stops.push(() => browser.close());
    const environment = environmentOf(o, { b, browser }, buildSeconds);
    printHeading(o, environment);
    const results: Record<string, unknown> = {};
    if (o.only.includes("overview")) results.data = await loadOverviewData(b, dlqSize(o));
    const app = await startNextApp(b.redriveEnv, QUEUES);
    stops.push(() => app.stop());
    const targets = await measureAll(o, { b, app, browser }, results);
    return summarize("ui", started, environment, results, targets);
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  }
}
