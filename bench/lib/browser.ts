import { performance } from "node:perf_hooks";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "../../scripts/chromium";
import { gzipSync } from "node:zlib";
import { chromium, type Browser, type BrowserContext, type Page } from "@playwright/test";

/**
 * The system's Chromium driven by Playwright (never a downloaded browser):
 * what a page loads, and how long until it has drawn what a user waits for.
 */

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
  });
}

/** A fresh context (empty cache), logged in with `cookie` ("name=value") when given. */
export async function freshContext(
  browser: Browser,
  url: string,
  cookie?: string,
): Promise<BrowserContext> {
  // The dashboard's Content-Security-Policy forbids eval, which waitForFunction's polling
  // needs; the benchmark measures loading, and the browser tests check the policy.
  const context = await browser.newContext({ bypassCSP: true });
  if (cookie) {
    const eq = cookie.indexOf("=");
    await context.addCookies([{ name: cookie.slice(0, eq), value: cookie.slice(eq + 1), url }]);
  }
  return context;
}

export interface ScriptFile {
  url: string;
  rawBytes: number;
  gzipBytes: number;
  /**
   * Named by the page's HTML: what Next.js calls first-load JS. The others are
   * dynamic imports (next/dynamic) fetched after the page has rendered.
   */
  initial: boolean;
}

export interface FirstLoad {
  path: string;
  /** Where the page ended up (a redirect to /login means the session was not accepted). */
  finalPath: string;
  scripts: ScriptFile[];
  rawBytes: number;
  gzipBytes: number;
  /** gzip bytes of the scripts the HTML names (first-load JS in Next.js's sense). */
  initialGzipBytes: number;
}

/**
 * Every JavaScript file (resource type "script") a page loads until the
 * network is idle, in a fresh context, with its size raw and gzipped at level
 * 9 here (transfer sizes depend on the server's compression: not compared).
 */
export async function firstLoadJs(
  browser: Browser,
  base: string,
  path: string,
  cookie?: string,
): Promise<FirstLoad> {
  const context = await freshContext(browser, base, cookie);
  try {
    const page = await context.newPage();
    const bodies: Promise<Omit<ScriptFile, "initial"> | null>[] = [];
    page.on("response", (res) => {
      if (res.request().resourceType() !== "script") return;
      bodies.push(
        res.body().then(
          (body) => ({
            url: res.url(),
            rawBytes: body.length,
            gzipBytes: gzipSync(body, { level: 9 }).length,
          }),
          () => null,
        ),
      );
    });
    const document = await page.goto(base + path, { waitUntil: "networkidle", timeout: 60_000 });
    const html = (await document?.text().catch(() => "")) ?? "";
    const byUrl = new Map<string, ScriptFile>();
    for (const f of await Promise.all(bodies)) {
      if (f) byUrl.set(f.url, { ...f, initial: html.includes(new URL(f.url).pathname) });
    }
    const scripts = [...byUrl.values()];
    const sum = (files: ScriptFile[], k: "rawBytes" | "gzipBytes") =>
      files.reduce((s, f) => s + f[k], 0);
    return {
      path,
      finalPath: new URL(page.url()).pathname,
      scripts,
      rawBytes: sum(scripts, "rawBytes"),
      gzipBytes: sum(scripts, "gzipBytes"),
      initialGzipBytes: sum(
        scripts.filter((f) => f.initial),
        "gzipBytes",
      ),
    };
  } finally {
    await context.close();
  }
}

/** What a page holds of the marked elements, for a timeout's message. */
async function census(page: Page, selectors: string[]): Promise<string> {
  const counts = await page
    .evaluate(
      `${JSON.stringify(selectors)}.map((s) => document.querySelectorAll(s).length + " " + s)`,
    )
    .then((c) => c as string[])
    .catch(() => ["(page not readable)"]);
  return `${counts.join(", ")}; at ${page.url()}`;
}

export class SelectorTimeout extends Error {}

/**
 * Resolves with the page's own clock (ms since its navigation started) once
 * at least `count` elements match `selector`, checked every animation frame.
 */
export async function waitForCount(
  page: Page,
  selector: string,
  count: number,
  timeoutMs: number,
  explain: string,
  census_: string[] = [selector],
): Promise<number> {
  try {
    // A string, not a function: tsx rewrites a function's globals (performance) for Node.
    const handle = await page.waitForFunction(
      `document.querySelectorAll(${JSON.stringify(selector)}).length >= ${count} ? performance.now() : false`,
      undefined,
      { timeout: timeoutMs, polling: "raf" },
    );
    return (await handle.jsonValue()) as number;
  } catch (error) {
    if (!/Timeout/i.test(String(error))) throw error;
    throw new SelectorTimeout(
      `timed out after ${timeoutMs / 1000} s waiting for ${count} element(s) matching ${selector} ` +
        `(found ${await census(page, census_)}). ${explain}`,
    );
  }
}

/** Milliseconds of this process's clock since `t0`. */
export const since = (t0: number) => performance.now() - t0;
