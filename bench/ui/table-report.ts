import { target, type Target } from "../lib/summary";
import { Count, printTable, type Cell } from "../lib/table";
import { spread } from "./shared";
import type { PollWindow, TimedRun } from "./table-page";

/** The table scenario's printed tables, targets and JSON (bench/ui/table.ts measures). */

/** Sort and filter: median ≤ ms at rows (an interaction budget well under INP's 200 ms "good"). */
const BUDGETS: [rows: number, ms: number][] = [
  [500, 100],
  [2000, 200],
];

export interface SizeResult {
  rows: number;
  /** GET /api/admin/audit/denied?minutes=1440 from this process: median ms of 5 calls. */
  apiAloneMs: number;
  load: TimedRun[];
  sort: { Denied: TimedRun[]; User: TimedRun[] };
  filterChar: string;
  filter: (TimedRun & { rowsAfter: number })[];
  poll: PollWindow[];
  error?: string;
}

export interface ReportSetup {
  runs: number;
  pollMs: number;
  pollSeconds: number;
}

const paint = (runs: TimedRun[]) => runs.map((r) => r.paintMs);
const allSorts = (r: SizeResult) => [...r.sort.Denied, ...r.sort.User];
const pollFigure = (r: SizeResult, k: keyof PollWindow) => r.poll.map((w) => w[k] as number);
const med = (xs: (number | null)[]) => spread(xs.filter((x): x is number => x !== null)).medianMs;
const maxOf = (xs: number[]) => (xs.length > 0 ? Math.max(...xs) : null);

function sizeRow(r: SizeResult): Cell[] {
  const [load, sort, filter] = [r.load, allSorts(r), r.filter].map((x) => spread(paint(x)));
  const script = spread(pollFigure(r, "scriptMs"));
  const longTasks = maxOf(pollFigure(r, "longTasks"));
  const mutations = r.poll.length ? pollFigure(r, "tableMutations").reduce((a, b) => a + b) : null;
  return [
    new Count(r.rows),
    load!.medianMs,
    load!.maxMs,
    sort!.medianMs,
    sort!.maxMs,
    filter!.medianMs,
    filter!.maxMs,
    script.medianMs,
    script.maxMs,
    longTasks === null ? null : new Count(longTasks),
    mutations === null ? null : new Count(mutations),
  ];
}

function printSizes(results: SizeResult[], s: ReportSetup): void {
  printTable(
    `DataTable, audit page "Denied requests": ms from the input event until the next frame is ` +
      `drawn, median and max of ${s.runs} runs (sort: ${2 * s.runs} clicks, "Denied" then ` +
      `"User"), each after one uncounted run; poll: ${s.runs} windows of ${s.pollSeconds} s, ` +
      `polling every ${s.pollMs / 1000} s, data unchanged (script ms: Chromium's counter)`,
    [
      "rows",
      "24 h shown med",
      "max",
      "sort med",
      "max",
      "filter med",
      "max",
      `poll script ms/${s.pollSeconds} s med`,
      "max",
      "long tasks max",
      "table mutations",
    ],
    results.map(sizeRow),
  );
}

function detailRow(r: SizeResult): Cell[] {
  return [
    new Count(r.rows),
    r.apiAloneMs,
    med(r.load.map((x) => x.apiMs)),
    med(r.load.map((x) => x.domMs)),
    med(paint(r.sort.Denied)),
    med(paint(r.sort.User)),
    med(allSorts(r).map((x) => x.domMs)),
    r.filterChar,
    r.filter[0] ? new Count(r.filter[0].rowsAfter) : null,
    med(r.filter.map((x) => x.domMs)),
    med(pollFigure(r, "deniedPolls")),
    med(pollFigure(r, "taskMs")),
    maxOf(pollFigure(r, "longestTaskMs")),
  ];
}

function printDetail(results: SizeResult[]): void {
  printTable(
    `Where the time goes (medians, ms from the input event). API alone = the 24 h answer fetched ` +
      `from this process; "DOM" = until the table's DOM changed (the page's script: the fetch's ` +
      `answer, React's render and commit); the rest, until the frame is drawn, is style, layout ` +
      `and paint`,
    [
      "rows",
      "API alone",
      "24 h: API answered",
      "24 h: DOM",
      "sort Denied",
      "sort User",
      "sort: DOM",
      "filter key",
      "rows after",
      "filter: DOM",
      "denied polls/window",
      "poll task ms/window",
      "longest task ms",
    ],
    results.map(detailRow),
  );
}

export function printTableScenario(results: SizeResult[], s: ReportSetup): void {
  printSizes(results, s);
  printDetail(results);
}

export function tableTargets(results: SizeResult[], s: ReportSetup): Target[] {
  // A size with missing runs has no median: its targets fail (NaN).
  const complete = (xs: number[], n: number) => (xs.length === n ? spread(xs).medianMs : NaN);
  return BUDGETS.flatMap(([rows, ms]) => {
    const r = results.find((x) => x.rows === rows);
    const sort = r ? complete(paint(allSorts(r)), 2 * s.runs) : NaN;
    const filter = r ? complete(paint(r.filter), s.runs) : NaN;
    return [
      target(
        `table.sort.${rows}`,
        `DataTable sort, ${rows} rows: click until drawn, median of ${2 * s.runs}`,
        sort,
        "<=",
        ms,
        "ms",
      ),
      target(
        `table.filter.${rows}`,
        `DataTable filter key press, ${rows} rows: until drawn, median of ${s.runs}`,
        filter,
        "<=",
        ms,
        "ms",
      ),
    ];
  });
}

/** The JSON summary's view of one size: each measure's median and max (ms), and every run. */
export function sizeJson(r: SizeResult, s: ReportSetup) {
  return {
    rows: r.rows,
    apiAloneMs: r.apiAloneMs,
    load: { ...spread(paint(r.load)), runs: r.load },
    sort: { ...spread(paint(allSorts(r))), Denied: r.sort.Denied, User: r.sort.User },
    filter: { char: r.filterChar, ...spread(paint(r.filter)), runs: r.filter },
    poll: { intervalMs: s.pollMs, scriptMs: spread(pollFigure(r, "scriptMs")), windows: r.poll },
    ...(r.error ? { error: r.error } : {}),
  };
}
