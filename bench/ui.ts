import { readFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import type { Browser } from "@playwright/test";
import {
  firstLoadJs,
  freshContext,
  launchChromium,
  SelectorTimeout,
  since,
  waitForCount,
  type FirstLoad,
} from "./lib/browser";
import { fillDlq } from "./lib/dlq-fill";
import { fillHistory } from "./lib/history-fill";
import { ensureProductionBuild, ROOT, startNextApp, type NextApp } from "./lib/next-app";
import { median } from "./lib/check";
import { startBenchServer, type BenchServer } from "./lib/server";
import { count, duration, only, parseOptions, scale } from "./lib/options";
import { summarize, target, type Summary, type Target } from "./lib/summary";
import { Count, printTable, type Cell } from "./lib/table";

/**
 * `npm run bench -- ui [--scale F] [--runs N] [--only js,overview] [--timeout S]`:
 * the dashboard as a browser sees it, production build (`next build` +
 * `next start`) on the benchmark's own Redis, the system's Chromium:
 *   1) first-load JavaScript of each page, gzipped: target ≤ 250 KB;
 *   2) time from navigating to / until all six of the overview's charts are drawn,
 *      with four 1 000 000-message DLQs and an hour of metrics history:
 *      target median ≤ 1.5 s over 5 runs, each in a fresh browser context
 *      (empty cache: a first visit).
 * The overview page marks each chart container with data-chart="<name>" and
 * sets data-ready="true" once its lines are drawn; each queue card has
 * data-queue-card.
 */

const QUEUES = ["document", "audio", "video", "graph"];
const DLQ_SIZE = 1_000_000;
const JS_TARGET_KB = 250;
const OVERVIEW_TARGET_S = 1.5;
const CHARTS = 6;
const CHART_READY = '[data-chart][data-ready="true"]';
const QUEUE_CARD = "[data-queue-card]";
const MARKUP_NOTE =
  'The overview page must mark each chart container with data-chart="<name>" and set ' +
  'data-ready="true" once its lines are drawn.';

/** The pages measured, and whether each needs the session (the login page must not have one). */
const PAGES: [string, boolean][] = [
  ["/login", false],
  ["/", true],
  ["/queues/document", true],
  ["/cache", true],
  ["/audit", true],
];

const OPTIONS = {
  scale: scale(),
  runs: count("--runs", 5),
  only: only(["js", "overview"]),
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

const kb = (bytes: number) => bytes / 1024;

// ---------------------------------------------------------------- data

/** Four DLQs of `size` entries each, failed over the last hour, and the hour's metrics history. */
async function loadData(b: BenchServer, size: number): Promise<Record<string, unknown>> {
  const rows: Cell[][] = [];
  const dlqs: Record<string, unknown> = {};
  for (const queue of QUEUES) {
    const t0 = performance.now();
    const r = await fillDlq(b.redis, b.config, queue, size);
    const seconds = since(t0) / 1000;
    rows.push([`DLQ ${queue}`, new Count(r.entries), r.bytesPerEntry, seconds]);
    dlqs[queue] = { entries: r.entries, bytesPerEntry: r.bytesPerEntry, seconds };
  }
  const t0 = performance.now();
  const samples = await fillHistory(b.engine.ctx, Object.fromEntries(QUEUES.map((q) => [q, size])));
  rows.push(["metrics history (1 h, every 10 s)", new Count(samples), null, since(t0) / 1000]);
  const memory = await b.redis.info("memory");
  const usedMb = Number(/used_memory:(\d+)/.exec(memory)?.[1] ?? 0) / 2 ** 20;
  printTable(
    `Data (untimed; Redis holds ${usedMb.toFixed(0)} MB afterwards)`,
    ["what", "entries", "bytes/entry", "seconds"],
    rows,
  );
  return { dlqs, historySamples: samples, redisUsedMb: usedMb };
}

/** The app sees what was loaded: every DLQ at its size (GET /api/admin/dlq/stats). */
async function verifyData(app: NextApp, size: number): Promise<void> {
  const res = await fetch(`${app.url}/api/admin/dlq/stats`, { headers: { cookie: app.cookie } });
  const body = (await res.json()) as { queues?: { queue: string; dlq: number }[] };
  for (const queue of QUEUES) {
    const dlq = body.queues?.find((q) => q.queue === queue)?.dlq;
    if (dlq !== size) throw new Error(`stats: ${queue} DLQ holds ${dlq}, expected ${size}`);
  }
}

/** The admin API the overview reads, timed alone: where a slow overview's time could go. */
const OVERVIEW_API = [
  "/api/admin/overview",
  "/api/admin/metrics?window=1h",
  "/api/admin/dlq/stats",
  "/api/admin/insights",
];

async function timeGet(
  app: NextApp,
  path: string,
): Promise<{ ms: number; bytes: number; status: number }> {
  const t0 = performance.now();
  const res = await fetch(app.url + path, { headers: { cookie: app.cookie } });
  const body = await res.arrayBuffer();
  return { ms: since(t0), bytes: body.byteLength, status: res.status };
}

async function measureApi(app: NextApp): Promise<Record<string, unknown>> {
  const rows: Cell[][] = [];
  const out: Record<string, unknown> = {};
  for (const path of OVERVIEW_API) {
    await timeGet(app, path);
    const runs = [];
    for (let i = 0; i < 5; i++) runs.push(await timeGet(app, path));
    const ms = runs.map((r) => r.ms);
    const last = runs[runs.length - 1]!;
    rows.push([path, String(last.status), median(ms), Math.max(...ms), kb(last.bytes)]);
    out[path] = {
      status: last.status,
      medianMs: median(ms),
      maxMs: Math.max(...ms),
      bytes: last.bytes,
    };
  }
  printTable(
    "The overview's API alone (logged in, after one warm-up call; 5 calls each)",
    ["GET", "status", "median ms", "max ms", "KB"],
    rows,
  );
  return out;
}

// ---------------------------------------------------------------- first-load JS

async function measureJs(browser: Browser, app: NextApp): Promise<FirstLoad[]> {
  const loads: FirstLoad[] = [];
  for (const [path, needsSession] of PAGES) {
    const load = await firstLoadJs(browser, app.url, path, needsSession ? app.cookie : undefined);
    if (needsSession && load.finalPath !== path) {
      throw new Error(`${path} ended at ${load.finalPath}: the session cookie was not accepted`);
    }
    loads.push(load);
  }
  printTable(
    `JavaScript per page (every script response until network idle, fresh context; gzip level 9 ` +
      `computed here). First-load = the scripts the page's HTML names (Next.js's first-load JS); ` +
      `later = dynamic imports fetched after the page rendered (the charts' recharts)`,
    [
      "page",
      "scripts",
      "raw KB",
      "first-load gzip KB",
      "later gzip KB",
      "all gzip KB",
      "target KB",
      "result",
    ],
    loads.map((l) => [
      l.path,
      new Count(l.scripts.length),
      kb(l.rawBytes),
      kb(l.initialGzipBytes),
      kb(l.gzipBytes - l.initialGzipBytes),
      kb(l.gzipBytes),
      JS_TARGET_KB,
      kb(l.initialGzipBytes) <= JS_TARGET_KB ? "PASS" : "FAIL",
    ]),
  );
  return loads;
}

// ---------------------------------------------------------------- overview time

interface OverviewRun {
  /** From page.goto("/") in this process until the charts were drawn. */
  chartsMs: number;
  /** The same moment on the page's clock (since its navigation started). */
  chartsPageMs: number;
  /** Until the first queue card, or null when the page has none. */
  firstCardMs: number | null;
}

/** One navigation to / in a fresh context: until CHARTS charts are ready (and the first card). */
async function overviewOnce(browser: Browser, app: NextApp, timeoutMs: number) {
  const context = await freshContext(browser, app.url, app.cookie);
  try {
    const page = await context.newPage();
    const t0 = performance.now();
    await page.goto(`${app.url}/`, { waitUntil: "commit", timeout: timeoutMs });
    const card = waitForCount(page, QUEUE_CARD, 1, timeoutMs, "").then(
      () => since(t0),
      () => null,
    );
    const chartsPageMs = await waitForCount(page, CHART_READY, CHARTS, timeoutMs, MARKUP_NOTE, [
      "[data-chart]",
      CHART_READY,
      QUEUE_CARD,
    ]);
    const chartsMs = since(t0);
    // A page without cards leaves the card wait pending until the context closes.
    const firstCardMs = await Promise.race([
      card,
      new Promise<null>((r) => setTimeout(() => r(null), 50)),
    ]);
    return { chartsMs, chartsPageMs, firstCardMs } satisfies OverviewRun;
  } finally {
    await context.close();
  }
}

interface OverviewResult {
  runs: OverviewRun[];
  error?: string;
}

async function measureOverview(browser: Browser, app: NextApp, o: Options, size: number) {
  const result: OverviewResult = { runs: [] };
  try {
    // Not counted: the server's first render of / and the API routes it calls.
    await overviewOnce(browser, app, o.timeoutMs);
    for (let i = 0; i < o.runs; i++)
      result.runs.push(await overviewOnce(browser, app, o.timeoutMs));
  } catch (error) {
    if (!(error instanceof SelectorTimeout)) throw error;
    result.error = error.message;
    console.log(`\nOverview: ${error.message}`);
  }
  const rows: Cell[][] = result.runs.map((r, i) => [
    `run ${i + 1}`,
    r.chartsMs,
    r.chartsPageMs,
    r.firstCardMs,
  ]);
  if (result.runs.length > 0) {
    for (const [label, f] of [
      ["min", Math.min],
      ["median", null],
      ["max", Math.max],
    ] as const) {
      const pick = (xs: number[]) => (xs.length === 0 ? null : f ? f(...xs) : median(xs));
      const cards = result.runs.map((r) => r.firstCardMs).filter((x): x is number => x !== null);
      rows.push([
        label,
        pick(result.runs.map((r) => r.chartsMs)),
        pick(result.runs.map((r) => r.chartsPageMs)),
        pick(cards),
      ]);
    }
  }
  printTable(
    `Overview: navigation to / until ${CHARTS} charts are drawn (${CHART_READY}), four DLQs of ` +
      `${size.toLocaleString("en")} messages, fresh context each run (after one uncounted run)`,
    ["run", "charts ms", "charts ms (page clock)", "first queue card ms"],
    rows,
  );
  return result;
}

// ---------------------------------------------------------------- run

function jsTargets(loads: FirstLoad[]): Target[] {
  return loads.map((l) =>
    target(
      `js:${l.path}`,
      `first-load JS, gzip: ${l.path}`,
      kb(l.initialGzipBytes),
      "<=",
      JS_TARGET_KB,
      "KB",
    ),
  );
}

/** The JSON summary's view of a page: its five largest files by path, so the line stays short. */
function jsJson(l: FirstLoad) {
  const largest = [...l.scripts].sort((x, y) => y.gzipBytes - x.gzipBytes).slice(0, 5);
  return {
    ...l,
    scriptCount: l.scripts.length,
    scripts: largest.map((f) => ({ ...f, url: new URL(f.url).pathname })),
  };
}

function overviewTarget(overview: OverviewResult, o: Options, size: number): Target {
  const charts = overview.runs.map((r) => r.chartsMs / 1000);
  return target(
    "overview.median",
    `overview charts drawn, median of ${o.runs} (${size.toLocaleString("en")}-message DLQs)`,
    charts.length === o.runs ? median(charts) : NaN,
    "<=",
    OVERVIEW_TARGET_S,
    "s",
  );
}

export async function run(args: string[]): Promise<Summary> {
  const o = uiOptions(args);
  const size = Math.max(1000, Math.round(DLQ_SIZE * o.scale));
  const overviewToo = o.only.includes("overview");
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
    const environment = {
      node: process.version,
      cpus: cpus().length,
      loadavg1mAtStart: loadavg()[0],
      next: packageVersion("next"),
      playwright: packageVersion("@playwright/test"),
      chromium: browser.version(),
      redis: b.redisVersion,
      scale: o.scale,
      dlqSize: size,
      runs: o.runs,
      buildSeconds,
    };
    console.log(
      `Redrive UI benchmark — node ${process.version}, ${cpus().length} CPUs, load ` +
        `${loadavg()[0]!.toFixed(2)}, Next.js ${environment.next}, Chromium ${environment.chromium}` +
        (o.scale < 1 ? `, scale ${o.scale} (targets are only meaningful at scale 1)` : ""),
    );
    const results: Record<string, unknown> = {};
    if (overviewToo) results.data = await loadData(b, size);
    const app = await startNextApp(b.url, QUEUES);
    stops.push(() => app.stop());
    if (overviewToo) await verifyData(app, size);
    const targets: Target[] = [];
    if (o.only.includes("js")) {
      const loads = await measureJs(browser, app);
      results.firstLoadJs = loads.map(jsJson);
      targets.push(...jsTargets(loads));
    }
    if (overviewToo) {
      results.overviewApi = await measureApi(app);
      const overview = await measureOverview(browser, app, o, size);
      results.overview = overview;
      targets.push(overviewTarget(overview, o, size));
    }
    return summarize("ui", started, environment, results, targets);
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  }
}
