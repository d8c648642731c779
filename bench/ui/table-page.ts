import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, BrowserContext, CDPSession, Page } from "@playwright/test";
import { freshContext } from "../lib/browser";
import type { NextApp } from "../lib/next-app";

/**
 * The audit page's "Denied requests" table driven in Chromium: Playwright
 * sends real input (clicks, key presses), the in-page probe
 * (table-probe.js) times it on the page's own clock, so that no round trip
 * from this process is counted.
 */

const PROBE = readFileSync(join(dirname(fileURLToPath(import.meta.url)), "table-probe.js"), "utf8");

/** One timed interaction, ms from the input event (see table-probe.js). */
export interface TimedRun {
  /** Until the DOM showed the change: the page's script (React's render and commit). */
  domMs: number;
  /** Until the next requestAnimationFrame callback. */
  frameMs: number;
  /** Until a task queued from that callback ran: the frame's style, layout and paint done. */
  paintMs: number;
  /** Until the denied API's response ended, when the interaction fetched it (the window switch). */
  apiMs: number | null;
}

/** What ~10 s of the page polling with nothing changed cost its main thread. */
export interface PollWindow {
  seconds: number;
  /** Chromium's counters for the page (CDP Performance.getMetrics), over the window. */
  scriptMs: number;
  taskMs: number;
  layoutMs: number;
  styleMs: number;
  /** Main-thread tasks over 50 ms (PerformanceObserver "longtask"). */
  longTasks: number;
  longTaskMs: number;
  longestTaskMs: number;
  /** DOM mutations inside the table: none when polls that change nothing render nothing. */
  tableMutations: number;
  deniedPolls: number;
  requests: number;
  rows: number;
}

export interface AuditPage {
  context: BrowserContext;
  page: Page;
  cdp: CDPSession;
}

const call = async <T>(page: Page, expression: string) =>
  (await page.evaluate(`window.__tableBench.${expression}`)) as T;

// CSS selectors, not getByRole: Playwright's role engine computes the role of every element
// of the page before each action, over 100 ms with 2 000 rows (seen in a CPU profile).
const TABLE = 'table[aria-label="Denied requests"]';

const sortButton = (page: Page, header: string) =>
  page.locator(`${TABLE} > thead th > button`, { hasText: new RegExp(`^${header}\\b`) });

const windowButton = (page: Page, label: string) =>
  page.locator('[role="group"][aria-label="Denied requests window"] > button', {
    hasText: new RegExp(`^${label}$`),
  });

const filterBox = (page: Page) =>
  page.locator('input[type="search"][aria-label="Filter denied requests"]');

const refreshSelect = (page: Page) => page.locator("select#refresh-interval");

/** /audit, logged in, with the default "1 h" window's answer shown. */
async function gotoAudit(page: Page, app: NextApp, timeoutMs: number): Promise<void> {
  await page.goto(`${app.url}/audit`, { waitUntil: "load", timeout: timeoutMs });
  const path = new URL(page.url()).pathname;
  if (path !== "/audit") throw new Error(`/audit ended at ${path}: the session was not accepted`);
  await page.getByText(/denied in the last 1 h\b/).waitFor({ timeout: timeoutMs });
}

/** A fresh context with the probe, on /audit, its polling paused (set again with `poll`). */
export async function openAudit(
  browser: Browser,
  app: NextApp,
  timeoutMs: number,
): Promise<AuditPage> {
  const context = await freshContext(browser, app.url, app.cookie);
  await context.addInitScript({ content: PROBE });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Performance.enable");
  await gotoAudit(page, app, timeoutMs);
  // Paused while interactions are timed: a poll landing in one would be timed with it.
  // The choice is kept in localStorage: reloads of this context stay paused.
  await refreshSelect(page).selectOption("0");
  return { context, page, cdp };
}

/** A reload of /audit at "1 h", then a click on "24 h": until all `rows` rows are shown. */
export async function timeWindowSwitch(
  p: AuditPage,
  app: NextApp,
  rows: number,
  timeoutMs: number,
): Promise<TimedRun> {
  await gotoAudit(p.page, app, timeoutMs);
  await call(p.page, `armRows("click", ${rows}, ${timeoutMs})`);
  await windowButton(p.page, "24 h").click();
  return call<TimedRun>(p.page, "result()");
}

/** A click on a header's sort button: until its aria-sort says `direction` and the frame is drawn. */
export async function timeSort(
  p: AuditPage,
  header: string,
  direction: "ascending" | "descending",
  numeric: boolean,
  timeoutMs: number,
): Promise<TimedRun> {
  const args = [JSON.stringify(header), JSON.stringify(direction), numeric, timeoutMs].join(", ");
  await call(p.page, `armSort(${args})`);
  await sortButton(p.page, header).click();
  return call<TimedRun>(p.page, "result()");
}

/** Empties the filter box (untimed) until all `rows` rows are back. */
export async function clearFilter(p: AuditPage, rows: number, timeoutMs: number): Promise<void> {
  const box = filterBox(p.page);
  if ((await box.inputValue()) === "") return;
  await call(p.page, `armRows("input", ${rows}, ${timeoutMs})`);
  await box.fill("");
  await call(p.page, "result()");
}

/** One key press into the empty filter box: until only the matching rows are shown and drawn. */
export async function timeFilter(
  p: AuditPage,
  char: string,
  rows: number,
  timeoutMs: number,
): Promise<TimedRun & { rowsAfter: number }> {
  await clearFilter(p, rows, timeoutMs);
  const rowsAfter = await call<number>(p.page, `armFilter(${JSON.stringify(char)}, ${timeoutMs})`);
  await filterBox(p.page).press(char);
  return { ...(await call<TimedRun>(p.page, "result()")), rowsAfter };
}

/** Sets "Auto refresh" to `ms` (an option's value: 2000 is the fastest). */
export async function setPolling(p: AuditPage, ms: number): Promise<void> {
  await refreshSelect(p.page).selectOption(String(ms));
}

async function metrics(cdp: CDPSession): Promise<Record<string, number>> {
  const { metrics } = await cdp.send("Performance.getMetrics");
  return Object.fromEntries(metrics.map((m) => [m.name, m.value]));
}

interface Watched {
  longTasks: number[];
  mutations: number;
  requests: string[];
  rows: number;
}

/** `seconds` of the page left alone: Chromium's counters and the probe's long tasks and mutations. */
export async function watchPolls(p: AuditPage, seconds: number): Promise<PollWindow> {
  const before = await metrics(p.cdp);
  const w = await call<Watched>(p.page, `watch(${seconds * 1000})`);
  const after = await metrics(p.cdp);
  const ms = (name: string) => ((after[name] ?? NaN) - (before[name] ?? NaN)) * 1000;
  return {
    seconds,
    scriptMs: ms("ScriptDuration"),
    taskMs: ms("TaskDuration"),
    layoutMs: ms("LayoutDuration"),
    styleMs: ms("RecalcStyleDuration"),
    longTasks: w.longTasks.length,
    longTaskMs: w.longTasks.reduce((s, d) => s + d, 0),
    longestTaskMs: Math.max(0, ...w.longTasks),
    tableMutations: w.mutations,
    deniedPolls: w.requests.filter((r) => r.endsWith("/api/admin/audit/denied")).length,
    requests: w.requests.length,
    rows: w.rows,
  };
}
