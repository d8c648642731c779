/**
 * In-page timers of the UI benchmark's table scenario (bench/ui/table.ts),
 * installed in every page of its browser context with addInitScript as
 * `window.__tableBench`. Plain JavaScript read as text: tsx rewrites a
 * TypeScript function's helpers and imports, which the page does not have.
 *
 * A measurement is armed before Playwright sends the input. It starts at the
 * input event's timeStamp (when the browser received the input, as INP
 * counts it) and ends once the table named TABLE shows what was expected
 * (checked on every DOM mutation) and the next frame has been drawn: a
 * requestAnimationFrame callback ("frame"), then a task queued from it, which
 * runs after that frame's style, layout and paint ("paint").
 */
(() => {
  const TABLE = 'table[aria-label="Denied requests"]';
  const DENIED_API = "/api/admin/audit/denied";

  // Enough for every request of a page's life (the default buffer keeps 250).
  performance.setResourceTimingBufferSize(10_000);

  // DataTable draws at most this many rows (its default maxRows); data-rows says how
  // many pass the filter, drawn or not.
  const DRAWN_MAX = 500;

  const table = () => document.querySelector(TABLE);
  const matchedRows = () => Number(table()?.dataset.rows ?? -1);
  /** The table holds `count` rows and draws as many of them as it draws at once. */
  const holds = (count) =>
    matchedRows() === count && bodyRows().length === Math.min(count, DRAWN_MAX);
  const bodyRows = () => [...(table()?.querySelectorAll("tbody tr") ?? [])];
  const headers = () => [...(table()?.querySelectorAll("thead th") ?? [])];
  const headerIndex = (name) => headers().findIndex((th) => th.textContent.trim().startsWith(name));

  /** The text of column `name` in every body row, top to bottom. */
  function columnText(name) {
    const i = headerIndex(name);
    if (i < 0) throw new Error(`no column ${name} in ${TABLE}`);
    return bodyRows().map((tr) => tr.cells[i]?.textContent ?? "");
  }

  /** The table's own comparison: numbers as numbers, text by localeCompare. */
  function compare(a, b, numeric) {
    if (!numeric) return a.localeCompare(b);
    return Number(a.replaceAll(",", "")) - Number(b.replaceAll(",", ""));
  }

  function sortProblem(name, direction, numeric) {
    const values = columnText(name);
    const sign = direction === "ascending" ? 1 : -1;
    for (let i = 1; i < values.length; i++) {
      if (sign * compare(values[i - 1], values[i], numeric) > 0) {
        return `${name} not ${direction} at row ${i + 1}: ${values[i - 1]} then ${values[i]}`;
      }
    }
    return null;
  }

  /** Resolves after the next frame: its requestAnimationFrame callback, then a task after its paint. */
  function nextFrame() {
    return new Promise((resolve) => {
      requestAnimationFrame(() => {
        const frame = performance.now();
        const channel = new MessageChannel();
        channel.port1.onmessage = () => resolve({ frame, paint: performance.now() });
        channel.port2.postMessage(null);
      });
    });
  }

  /** Milliseconds from `start` until the denied API's last response ended, if one started since. */
  function apiMs(start) {
    const entries = performance
      .getEntriesByType("resource")
      .filter((e) => e.name.includes(DENIED_API) && e.startTime >= start);
    const last = entries[entries.length - 1];
    return last ? last.responseEnd - start : null;
  }

  let pending = null;

  /**
   * Arms one measurement: the next `eventType` event starts it; it ends when
   * `done()` holds after a DOM change, then the next frame. `verify()` runs
   * after the clock stopped and names what is wrong, if anything.
   */
  function arm(eventType, done, verify, timeoutMs) {
    let start = null;
    const onInput = (e) => (start ??= e.timeStamp);
    document.addEventListener(eventType, onInput, { capture: true });
    pending = new Promise((resolve, reject) => {
      const stop = () => {
        clearTimeout(timer);
        observer.disconnect();
        document.removeEventListener(eventType, onInput, { capture: true });
      };
      const timer = setTimeout(() => {
        stop();
        reject(new Error(`${eventType}: no expected change in ${timeoutMs} ms (${describe()})`));
      }, timeoutMs);
      const observer = new MutationObserver(() => {
        if (start === null || !done()) return;
        const dom = performance.now();
        stop();
        void nextFrame().then(({ frame, paint }) => {
          const problem = verify();
          if (problem) reject(new Error(problem));
          else resolve(timings(start, dom, frame, paint));
        });
      });
      const all = { childList: true, subtree: true, attributes: true, characterData: true };
      observer.observe(document.body, all);
    });
  }

  function timings(start, dom, frame, paint) {
    return {
      domMs: dom - start,
      frameMs: frame - start,
      paintMs: paint - start,
      apiMs: apiMs(start),
    };
  }

  const describe = () => `${bodyRows().length} body rows in ${TABLE}`;

  /** Until the table has `count` body rows (the window switch, a reload, a cleared filter). */
  function armRows(eventType, count, timeoutMs) {
    arm(
      eventType,
      () => holds(count),
      () => null,
      timeoutMs,
    );
  }

  /** Until the header `name` says `direction` (aria-sort), then checks the column's order. */
  function armSort(name, direction, numeric, timeoutMs) {
    const count = bodyRows().length;
    const th = () => headers()[headerIndex(name)];
    arm(
      "click",
      () => th()?.getAttribute("aria-sort") === direction,
      () =>
        bodyRows().length === count
          ? sortProblem(name, direction, numeric)
          : `${bodyRows().length} rows after sorting ${count}`,
      timeoutMs,
    );
  }

  /** How many of the drawn rows' user and action contain `needle` (the table's filter text). */
  function drawnMatching(needle) {
    const users = columnText("User");
    const actions = columnText("Action");
    return users.filter((u, i) => `${u} ${actions[i]}`.toLowerCase().includes(needle)).length;
  }

  /** How many of all the rows (the API's answer, fetched untimed) contain `needle`. */
  async function allMatching(needle) {
    const res = await fetch(`${DENIED_API}?minutes=1440`, {
      headers: { accept: "application/json" },
    });
    const { rows } = await res.json();
    return rows.filter((r) => `${r.user} ${r.action}`.toLowerCase().includes(needle)).length;
  }

  /** Until the rows are those that contain `char` (typed into an empty filter box). */
  async function armFilter(char, timeoutMs) {
    const expected = await allMatching(char);
    arm(
      "keydown",
      () => holds(expected),
      () =>
        drawnMatching(char) === bodyRows().length ? null : `the filter left rows without ${char}`,
      timeoutMs,
    );
    return expected;
  }

  /** Long tasks, table mutations and API responses during `ms` of a page left alone. */
  function watch(ms) {
    const longTasks = [];
    const requests = [];
    let mutations = 0;
    const tasks = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) longTasks.push(e.duration);
    });
    tasks.observe({ type: "longtask" });
    const responses = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) requests.push(new URL(e.name).pathname);
    });
    responses.observe({ type: "resource" });
    const observer = new MutationObserver((records) => (mutations += records.length));
    const all = { childList: true, subtree: true, attributes: true, characterData: true };
    observer.observe(table(), all);
    return new Promise((resolve) => {
      setTimeout(() => {
        tasks.disconnect();
        responses.disconnect();
        observer.disconnect();
        resolve({ longTasks, mutations, requests, rows: bodyRows().length });
      }, ms);
    });
  }

  window.__tableBench = {
    armRows,
    armSort,
    armFilter,
    result: () => pending,
    watch,
    allMatching,
  };
})();
