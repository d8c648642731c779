import { firstLoadJs, type FirstLoad } from "../lib/browser";
import { target, type Target } from "../lib/summary";
import { Count, printTable } from "../lib/table";
import { kb, type UiOutcome, type UiSystems } from "./shared";

/**
 * First-load JavaScript of each page, gzipped: target ≤ 250 KB. Every script
 * response until network idle, in a fresh context (an empty cache).
 */

const JS_TARGET_KB = 250;

/** The pages measured, and whether each needs the session (the login page must not have one). */
const PAGES: [string, boolean][] = [
  ["/login", false],
  ["/", true],
  ["/queues/document", true],
  ["/cache", true],
  ["/audit", true],
];

async function measureJs({ browser, app }: UiSystems): Promise<FirstLoad[]> {
  const loads: FirstLoad[] = [];
  for (const [path, needsSession] of PAGES) {
    const load = await firstLoadJs(browser, app.url, path, needsSession ? app.cookie : undefined);
    if (needsSession && load.finalPath !== path) {
      throw new Error(`${path} ended at ${load.finalPath}: the session cookie was not accepted`);
    }
    loads.push(load);
  }
  return loads;
}

function printJs(loads: FirstLoad[]): void {
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
}

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

/** The `js` scenario: results.firstLoadJs and one target per page. */
export async function scenarioJs(systems: UiSystems): Promise<UiOutcome> {
  const loads = await measureJs(systems);
  printJs(loads);
  return { results: { firstLoadJs: loads.map(jsJson) }, targets: jsTargets(loads) };
}
