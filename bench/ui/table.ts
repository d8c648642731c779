import { performance } from "node:perf_hooks";
import { since } from "../lib/browser";
import { check, median } from "../lib/check";
import { deniedRows, fillDenied, type DeniedSeedRow } from "../lib/denied-fill";
import type { NextApp } from "../lib/next-app";
import type { ScenarioOptions, UiOutcome, UiSystems } from "./shared";
import {
  clearFilter,
  openAudit,
  setPolling,
  timeFilter,
  timeSort,
  timeWindowSwitch,
  watchPolls,
  type AuditPage,
  type TimedRun,
} from "./table-page";
import {
  printTableScenario,
  sizeJson,
  tableTargets,
  type ReportSetup,
  type SizeResult,
} from "./table-report";

/**
 * The one DataTable (components/table/) at the size of its largest use, the
 * audit page's "Denied requests" (GET /api/admin/audit/denied serves up to
 * 2 000 rows), with 100, 500 and 2 000 rows of denied-request counts over the
 * last day, in a fresh context per size, each measure after one uncounted run:
 *   a) a click on "24 h" after a reload at "1 h": until the table holds every
 *      row (its data-rows) and draws as many as it draws at once (500, then
 *      "Show more": at 2 000 rows, sorting and filtering see all 2 000 and
 *      the browser lays out 500);
 *   b) a click on the "Denied", then the "User" sort button;
 *   c) one key press into the empty filter box (a letter about half the rows hold);
 *   d) 10 s of polling every 2 s (the fastest "Auto refresh") with nothing
 *      changed: main-thread time, long tasks, and DOM mutations in the table.
 * a) to c) are timed in the page (table-probe.js), from the input event until
 * the next frame is drawn, with polling paused. Targets: sort and filter
 * median ≤ 100 ms at 500 rows (well under INP's 200 ms "good"), ≤ 200 ms at
 * 2 000 (table-report.ts).
 */

export const TABLE_ROWS = [100, 500, 2000];
/** Each click reorders every row: the first by number, the second by text (localeCompare). */
const SORTS = [
  { header: "Denied", direction: "descending", numeric: true },
  { header: "User", direction: "ascending", numeric: false },
] as const;
const POLL_MS = 2000;
const POLL_SECONDS = 10;

/** The lowercase letter whose rows come closest to half of them: the filter's key press. */
function filterChar(rows: DeniedSeedRow[]): string {
  const share = (c: string) =>
    rows.filter((r) => `${r.user} ${r.action}`.toLowerCase().includes(c)).length / rows.length;
  const letters = [..."abcdefghijklmnopqrstuvwxyz"].filter((c) => share(c) > 0 && share(c) < 1);
  return letters.reduce((best, c) =>
    Math.abs(share(c) - 0.5) < Math.abs(share(best) - 0.5) ? c : best,
  );
}

/**
 * The app serves every row written, none left out (GET /api/admin/audit/denied?minutes=1440);
 * the median ms of 5 such calls after it, from this process (the API's share of the window switch).
 */
async function verifyDenied(app: NextApp, rows: number): Promise<number> {
  const ms: number[] = [];
  for (let i = 0; i < 6; i++) {
    const t0 = performance.now();
    const res = await fetch(`${app.url}/api/admin/audit/denied?minutes=1440`, {
      headers: { cookie: app.cookie },
    });
    const body = (await res.json()) as { rows?: unknown[]; truncated?: boolean };
    if (i > 0) ms.push(since(t0));
    check(res.status === 200, `GET /api/admin/audit/denied answered ${res.status}`);
    check(body.rows?.length === rows && body.truncated === false, `the API serves ${rows} rows`);
  }
  return median(ms);
}

/** `runs` runs of `fn` after one uncounted run. */
async function repeat<T>(runs: number, fn: () => Promise<T>): Promise<T[]> {
  await fn();
  const out: T[] = [];
  for (let i = 0; i < runs; i++) out.push(await fn());
  return out;
}

async function sorts(p: AuditPage, o: ScenarioOptions): Promise<SizeResult["sort"]> {
  const pairs = await repeat(o.runs, async () => {
    const out: TimedRun[] = [];
    for (const s of SORTS)
      out.push(await timeSort(p, s.header, s.direction, s.numeric, o.timeoutMs));
    return out;
  });
  return { Denied: pairs.map((r) => r[0]!), User: pairs.map((r) => r[1]!) };
}

/** The measures on one page, in order; `result` keeps what was measured if one fails. */
async function measurePage(p: AuditPage, s: UiSystems, o: ScenarioOptions, result: SizeResult) {
  const { rows } = result;
  result.load = await repeat(o.runs, () => timeWindowSwitch(p, s.app, rows, o.timeoutMs));
  result.sort = await sorts(p, o);
  result.filter = await repeat(o.runs, () => timeFilter(p, result.filterChar, rows, o.timeoutMs));
  await clearFilter(p, rows, o.timeoutMs);
  await setPolling(p, POLL_MS);
  // Not counted: the first poll after the change (as the others' uncounted run).
  await p.page.waitForTimeout(POLL_MS + 500);
  for (let i = 0; i < o.runs; i++) result.poll.push(await watchPolls(p, POLL_SECONDS));
}

/** Every measure at one size, in a context of its own; an error ends the size, not the run. */
async function measureSize(s: UiSystems, o: ScenarioOptions, rows: number): Promise<SizeResult> {
  const seed = deniedRows(rows);
  await fillDenied(s.b.redis, seed);
  const result: SizeResult = {
    rows,
    apiAloneMs: await verifyDenied(s.app, rows),
    load: [],
    sort: { Denied: [], User: [] },
    filterChar: filterChar(seed),
    filter: [],
    poll: [],
  };
  const p = await openAudit(s.browser, s.app, o.timeoutMs);
  try {
    await measurePage(p, s, o, result);
  } catch (error) {
    result.error = error instanceof Error ? error.message : String(error);
    console.log(`\nTable, ${rows} rows: ${result.error}`);
  } finally {
    await p.context.close();
  }
  return result;
}

/** The `table` scenario: results.table (per size) and the sort and filter targets. */
export async function scenarioTable(systems: UiSystems, o: ScenarioOptions): Promise<UiOutcome> {
  const setup: ReportSetup = { runs: o.runs, pollMs: POLL_MS, pollSeconds: POLL_SECONDS };
  const results: SizeResult[] = [];
  for (const rows of TABLE_ROWS) results.push(await measureSize(systems, o, rows));
  printTableScenario(results, setup);
  return {
    results: { table: Object.fromEntries(results.map((r) => [r.rows, sizeJson(r, setup)])) },
    targets: tableTargets(results, setup),
  };
}
