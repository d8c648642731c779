import type { Page } from "@playwright/test";
import { dlqEntry, expect, startRedis, stopRedis, test } from "./fixtures";
import { ADMIN_STATE } from "./setup-env";

/** What an open dashboard costs when nobody looks at it, and while Redis is down. */
test.use({ storageState: ADMIN_STATE });

/** When (epoch ms) the page sent each request to `path`. */
function watchRequests(page: Page, path: string): number[] {
  const times: number[] = [];
  page.on("request", (r) => {
    if (new URL(r.url()).pathname === path) times.push(Date.now());
  });
  return times;
}

/** Makes the page hidden or visible to its scripts, as a switch to another tab does. */
async function setHidden(page: Page, hidden: boolean): Promise<void> {
  await page.evaluate((h) => {
    Object.defineProperty(document, "visibilityState", {
      configurable: true,
      get: () => (h ? "hidden" : "visible"),
    });
    Object.defineProperty(document, "hidden", { configurable: true, get: () => h });
    document.dispatchEvent(new Event("visibilitychange"));
  }, hidden);
}

test("should stop polling while the tab is hidden and poll again when it is back", async ({
  page,
  redis,
}) => {
  await redis.lpush("document_dlq", dlqEntry("h1", "document"));
  await page.goto("/queues/document");
  await page.getByLabel("Auto refresh").selectOption("2000");
  const times = watchRequests(page, "/api/admin/dlq/document");
  await expect.poll(() => times.length, { timeout: 10_000 }).toBeGreaterThan(1);
  await setHidden(page, true);
  const hiddenAt = times.length;
  await page.waitForTimeout(7_000);
  // At most the poll that was already on its way.
  expect(times.length - hiddenAt).toBeLessThanOrEqual(1);
  await setHidden(page, false);
  await expect.poll(() => times.length, { timeout: 10_000 }).toBeGreaterThan(hiddenAt + 1);
});

test("should poll less and less often while Redis is down, and recover by itself", async ({
  page,
  redis,
}) => {
  test.setTimeout(90_000);
  await redis.lpush("document_dlq", dlqEntry("o1", "document"));
  await page.goto("/queues/document");
  await page.getByLabel("Auto refresh").selectOption("2000");
  await expect(page.getByRole("table", { name: "Dead letters of document" })).toContainText("o1");
  const times = watchRequests(page, "/api/admin/dlq/stats");
  await stopRedis(redis);
  await expect(page.getByText(/Redis is unreachable/)).toBeVisible({ timeout: 15_000 });
  await page.waitForTimeout(16_000);
  // At a steady 2 s the last 10 s would hold 5 polls; backing off to half the outage's age
  // (polls at about 9 s and 13.5 s into it), 2.
  const lastWindow = times.filter((t) => t >= Date.now() - 10_000).length;
  expect(lastWindow).toBeLessThanOrEqual(3);
  startRedis();
  await expect(page.getByText(/Redis is unreachable/)).toBeHidden({ timeout: 30_000 });
});
