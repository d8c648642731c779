import { performance } from "node:perf_hooks";
import type { Browser } from "@playwright/test";
import { freshContext, SelectorTimeout, since, waitForCount } from "../lib/browser";
import { median } from "../lib/check";
import { fillDlq } from "../lib/dlq-fill";
import { fillHistory } from "../lib/history-fill";
import type { NextApp } from "../lib/next-app";
import type { BenchServer } from "../lib/server";
import { target, type Target } from "../lib/summary";
import { Count, printTable, type Cell } from "../lib/table";
import { kb, QUEUES, type ScenarioOptions, type UiOutcome, type UiSystems } from "./shared";

/**
 * Time from navigating to / until all six of the overview's charts are drawn,
 * with four DLQs of 1 000 000 messages (at scale 1) and an hour of metrics
 * history: target median ≤ 1.5 s over 5 runs, each in a fresh browser context
 * (empty cache: a first visit). The overview page marks each chart container
 * with data-chart="<name>" and sets data-ready="true" once its lines are
 * drawn; each queue card has data-queue-card.
 */

export const DLQ_SIZE = 1_000_000;
const OVERVIEW_TARGET_S = 1.5;
const CHARTS = 6;
const CHART_READY = '[data-chart][data-ready="true"]';
const QUEUE_CARD = "[data-queue-card]";
const MARKUP_NOTE =
  'The overview page must mark each chart container with data-chart="<name>" and set ' +
  'data-ready="true" once its lines are drawn.';

// ---------------------------------------------------------------- data

/** Four DLQs of `size` entries each, failed over the last hour, and the hour's metrics history. */
export async function loadOverviewData(
  b: BenchServer,
  size: number,
): Promise<Record<string, unknown>> {
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

// ---------------------------------------------------------------- the API alone

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

/** The table's rows: one per run, then min, median and max of each column. */
function overviewRows(runs: OverviewRun[]): Cell[][] {
  const rows: Cell[][] = runs.map((r, i) => [
    `run ${i + 1}`,
    r.chartsMs,
    r.chartsPageMs,
    r.firstCardMs,
  ]);
  if (runs.length === 0) return rows;
  for (const [label, f] of [
    ["min", Math.min],
    ["median", null],
    ["max", Math.max],
  ] as const) {
    const pick = (xs: number[]) => (xs.length === 0 ? null : f ? f(...xs) : median(xs));
    const cards = runs.map((r) => r.firstCardMs).filter((x): x is number => x !== null);
    rows.push([
      label,
      pick(runs.map((r) => r.chartsMs)),
      pick(runs.map((r) => r.chartsPageMs)),
      pick(cards),
    ]);
  }
  return rows;
}

async function measureOverview(
  { browser, app }: UiSystems,
  o: ScenarioOptions,
  size: number,
): Promise<OverviewResult> {
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
  printTable(
    `Overview: navigation to / until ${CHARTS} charts are drawn (${CHART_READY}), four DLQs of ` +
      `${size.toLocaleString("en")} messages, fresh context each run (after one uncounted run)`,
    ["run", "charts ms", "charts ms (page clock)", "first queue card ms"],
    overviewRows(result.runs),
  );
  return result;
}

function overviewTarget(overview: OverviewResult, o: ScenarioOptions, size: number): Target {
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

/**
 * The `overview` scenario, on the data loadOverviewData loaded before the app
 * started: results.overviewApi, results.overview and the median's target.
 */
export async function scenarioOverview(
  systems: UiSystems,
  o: ScenarioOptions,
  size: number,
): Promise<UiOutcome> {
  await verifyData(systems.app, size);
  const overviewApi = await measureApi(systems.app);
  const overview = await measureOverview(systems, o, size);
  return { results: { overviewApi, overview }, targets: [overviewTarget(overview, o, size)] };
}
