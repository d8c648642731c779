import AxeBuilder from "@axe-core/playwright";
import { test as base, expect, type Page } from "@playwright/test";
import { hydrated } from "./fixtures";
import { startManyQueues, type ManyQueues } from "./many-queues";

/**
 * A hundred queues: the header stays one line wide, and any queue is reached
 * by typing or by keyboard alone through the switcher; pinned queues stay one
 * click away.
 */
let many: ManyQueues;

base.beforeAll(async () => {
  many = await startManyQueues();
});
base.afterAll(async () => {
  await many?.stop();
});

const test = base.extend<{ page: Page }>({
  page: async ({ browser }, use) => {
    const context = await browser.newContext({ baseURL: many.baseUrl });
    const [name, ...value] = many.session.split(";")[0]!.split("=");
    await context.addCookies([
      { name: name!, value: value.join("="), domain: "127.0.0.1", path: "/", sameSite: "Lax" },
    ]);
    const page = await context.newPage();
    await use(page);
    await context.close();
  },
});

const overflow = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

test("should not widen the page past the window when a hundred queues are configured", async ({
  page,
}) => {
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: 900 });
    for (const path of ["/", "/queues/q042"]) {
      await page.goto(path);
      await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
      expect(await overflow(page), `${path} at ${width} px`).toBeLessThanOrEqual(0);
    }
  }
});

test("should pass axe on the overview with the switcher open, and open a queue found by typing", async ({
  page,
}) => {
  await page.goto("/");
  await hydrated(page);
  await expect(
    page.getByRole("table", { name: "Queues" }).locator("tbody tr").first(),
  ).toBeVisible();
  await page.getByRole("button", { name: /Go to queue/ }).click();
  await expect(page.getByRole("combobox", { name: "Queue name" })).toBeFocused();
  // The header with the switcher, the attention list, the queue table and the chart
  // controls. The charts' drawing surfaces are left out (a11y.spec.ts checks them at four
  // queues): at a hundred queues axe spends half a minute on their SVG nodes.
  const results = await new AxeBuilder({ page })
    .include("header")
    .include("main")
    .exclude(".recharts-surface")
    .analyze();
  const serious = results.violations.filter(
    (v) => v.impact === "serious" || v.impact === "critical",
  );
  expect(serious.map((v) => `${v.id}: ${v.nodes[0]?.target.join(" ")}`)).toEqual([]);
  await page.getByRole("combobox", { name: "Queue name" }).fill("q07");
  const options = page.getByRole("listbox", { name: "Queues" }).getByRole("option");
  await expect(options).toHaveCount(10);
  await options.filter({ hasText: "q073" }).click();
  await expect(page).toHaveURL(/\/queues\/q073$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("q073");
});

test("should reach a queue by keyboard alone and pin it to the header", async ({ page }) => {
  await page.goto("/");
  // The table comes with the server's HTML: the keys work once the page is hydrated.
  await hydrated(page);
  await page.keyboard.press("/");
  const box = page.getByRole("combobox", { name: "Queue name" });
  await expect(box).toBeFocused();
  await page.keyboard.type("q04");
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("ArrowDown");
  const chosen = page
    .getByRole("listbox", { name: "Queues" })
    .getByRole("option", { name: "q042" });
  await expect(chosen).toHaveAttribute("aria-selected", "true");
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/queues\/q042$/);
  const nav = page.getByRole("navigation", { name: "Main" });
  await expect(nav.getByRole("link", { name: "q042" })).toHaveCount(0);
  await page.getByRole("button", { name: "Pin to header" }).click();
  await page.reload();
  await expect(nav.getByRole("link", { name: "q042" })).toBeVisible();
  await page.keyboard.press("Control+k");
  await expect(
    page.getByRole("listbox", { name: "Queues" }).getByRole("option").first(),
  ).toHaveText(/q042/);
  await page.keyboard.press("Escape");
  await expect(box).toHaveCount(0);
  await expect(page.getByRole("button", { name: /Go to queue/ })).toBeFocused();
});

/** The numbers of one column of the queue table, top to bottom. */
async function column(page: Page, header: string): Promise<number[]> {
  const table = page.getByRole("table", { name: "Queues" });
  const index = await table
    .getByRole("columnheader")
    .evaluateAll((hs, name) => hs.findIndex((h) => h.textContent?.includes(name)), header);
  const cells = await table
    .locator(`tbody tr td:nth-child(${index + 1}), tbody tr th:nth-child(${index + 1})`)
    .allTextContents();
  return cells.map((c) => Number(c.replace(/[^\d.-]/g, "")) || 0);
}

const descending = (values: number[]) => values.every((v, i) => i === 0 || values[i - 1]! >= v);

test("should lead with the queues that need attention and sort the queue table by DLQ and by growth", async ({
  page,
}) => {
  await page.goto("/");
  await hydrated(page);
  const attention = page.getByRole("region", { name: /Needs attention/ });
  await expect(attention.getByRole("listitem").first()).toBeVisible();
  // Before the table and the charts: what needs a look comes first.
  const order = await page
    .locator("h2")
    .allTextContents()
    .then((hs) => hs.map((h) => h.split("(")[0]!.trim()));
  expect(order.indexOf("Needs attention")).toBeLessThan(order.indexOf("Queues"));
  expect(order.indexOf("Queues")).toBeLessThan(order.indexOf("History"));
  await expect(page.locator("[data-queue-card]")).toHaveCount(0);
  const table = page.getByRole("table", { name: "Queues" });
  await expect(table.locator("tbody tr")).toHaveCount(100);
  const dlq = await column(page, "DLQ");
  expect(dlq[0]).toBe(7);
  expect(descending(dlq)).toBe(true);
  await table.getByRole("button", { name: /Growth/ }).click();
  const growth = await column(page, "Growth");
  expect(descending(growth)).toBe(true);
  expect(growth[0]).toBeGreaterThan(growth.at(-1)!);
  await page.getByRole("searchbox", { name: "Filter queues" }).fill("q09");
  await expect(table.locator("tbody tr")).toHaveCount(10);
});

/** The legend entries of one history chart. */
const legend = (page: Page, chart: string) =>
  page.locator(`[data-chart="${chart}"] .recharts-legend-item-text`).allTextContents();

test("should draw five queues and others per chart, and the picked queues once picked, kept in the URL", async ({
  page,
}) => {
  await page.goto("/");
  await expect(page.locator('[data-chart="dlq"][data-ready="true"]')).toBeVisible();
  expect(await legend(page, "dlq")).toEqual([
    "q012",
    "q025",
    "q038",
    "q051",
    "q064",
    "others (95)",
  ]);
  await page.getByRole("button", { name: /Queues: top 5/ }).click();
  const picker = page.getByRole("dialog", { name: "Queues to draw" });
  await picker.getByRole("searchbox").fill("q042");
  await picker.getByRole("checkbox", { name: "q042" }).check();
  await picker.getByRole("searchbox").fill("q017");
  await picker.getByRole("checkbox", { name: "q017" }).check();
  await picker.getByRole("button", { name: "Done" }).click();
  await expect(page).toHaveURL(/[?&]chart=q042%2Cq017/);
  await expect.poll(() => legend(page, "dlq")).toEqual(["q042", "q017", "others (98)"]);
  // A shared link draws the same queues.
  await page.goto(page.url());
  await expect(page.locator('[data-chart="work"][data-ready="true"]')).toBeVisible();
  expect(await legend(page, "work")).toEqual(["q042", "q017", "others (98)"]);
});
