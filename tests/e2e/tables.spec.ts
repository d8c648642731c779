import type { Locator, Page } from "@playwright/test";
import { dlqEntry, expect, startRedis, stopRedis, test } from "./fixtures";
import { ADMIN_STATE } from "./setup-env";

/** The DataTable as admins use it: phones, sorting, filtering, keyboard, confirmations. */
test.use({ storageState: ADMIN_STATE });

const LONG =
  "upstream OCR service refused the document: " +
  "the page stream of reports/q3.pdf ended inside an object; ".repeat(5) +
  "END-OF-MESSAGE";

/** Whether an element's content fits it, and the element fits the page's width. */
async function fits(locator: Locator, page: Page): Promise<boolean> {
  const width = page.viewportSize()!.width;
  return locator.evaluate(
    (el, w) => el.scrollWidth <= el.clientWidth && el.getBoundingClientRect().right <= w,
    width,
  );
}

/** The error-type column of the error groups table, top to bottom. */
async function groupTypes(page: Page): Promise<string[]> {
  const table = page.getByRole("table", { name: "Error groups of document" });
  return table.locator("tbody tr td:first-child").allTextContents();
}

function groupEntry(i: number, type: string) {
  return dlqEntry(`g${i}`, "document", `${type} failed`, {
    error: { type, message: `${type} failed`, stack: "" },
    failed_at: new Date(Date.now() - (10 + i) * 60_000).toISOString(),
  });
}

test("should show a dead letter's whole error message on a phone, with select, details and requeue one tap away", async ({
  page,
  redis,
}) => {
  await redis.lpush("document_dlq", dlqEntry("d0", "document", LONG), dlqEntry("d1", "document"));
  await page.goto("/queues/document");
  const table = page.getByRole("table", { name: "Dead letters of document" });
  const message = table.getByRole("cell", { name: /END-OF-MESSAGE/ });
  // On a wide screen the message is one line, cut: the drawer has the rest.
  await expect(message).toBeVisible();
  expect(await fits(message, page)).toBe(false);

  await page.setViewportSize({ width: 390, height: 844 });
  await expect.poll(() => fits(message, page)).toBe(true);
  const region = page.getByRole("region", { name: "Dead letters, scrollable" });
  expect(await fits(region, page)).toBe(true);
  for (const name of ["Select message 1", "Details of message 1", "Requeue message 1"]) {
    expect(await fits(page.getByLabel(name, { exact: true }), page), name).toBe(true);
  }
  await page.getByLabel("Select message 1", { exact: true }).check();
  await expect(page.getByText("1 message selected")).toBeVisible();
  await page.getByRole("button", { name: "Requeue message 1", exact: true }).click();
  await expect(page.getByRole("status")).toContainText("Message 1 requeued");
  await expect
    .poll(() => redis.lrange("document_queue", 0, -1))
    .toEqual([expect.stringContaining('"id":"d0"')]);
  expect(await redis.llen("document_dlq")).toBe(1);
});

test("should sort error groups by the header pressed and keep only those the filter names", async ({
  page,
  redis,
}) => {
  const types = ["TypeA", "TypeA", "TypeA", "TypeB", "TypeC", "TypeC"];
  await redis.lpush("document_dlq", ...types.map((t, i) => groupEntry(i, t)));
  await page.goto("/queues/document");
  await page.getByRole("tab", { name: "Error groups" }).click();
  // Largest first, as the page opens.
  await expect.poll(() => groupTypes(page)).toEqual(["TypeA", "TypeC", "TypeB"]);
  const count = page.getByRole("columnheader", { name: "Count" });
  await expect(count).toHaveAttribute("aria-sort", "descending");

  await count.getByRole("button").click();
  await expect(count).toHaveAttribute("aria-sort", "ascending");
  expect(await groupTypes(page)).toEqual(["TypeB", "TypeC", "TypeA"]);

  const type = page.getByRole("columnheader", { name: "Error type" });
  await type.getByRole("button").click();
  await expect(type).toHaveAttribute("aria-sort", "ascending");
  await expect(count).toHaveAttribute("aria-sort", "none");
  expect(await groupTypes(page)).toEqual(["TypeA", "TypeB", "TypeC"]);

  await page.getByLabel("Filter error groups").fill("typec");
  await expect.poll(() => groupTypes(page)).toEqual(["TypeC"]);
  await expect(page.getByText("1 of 3 match")).toBeVisible();
  await page.getByLabel("Filter error groups").fill("no such error");
  await expect(page.getByRole("table", { name: "Error groups of document" })).toContainText(
    "Nothing here matches the filter.",
  );
});

test("should move between rows with the arrow keys, select one with Space and open it with Enter", async ({
  page,
  redis,
}) => {
  await redis.lpush("document_dlq", ...["k0", "k1", "k2"].map((id) => dlqEntry(id, "document")));
  await page.goto("/queues/document");
  await expect(page.getByLabel("Select message 2", { exact: true })).toBeVisible();
  // Tab reaches the rows as one stop: the first row.
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press("Tab");
    if (await page.evaluate(() => document.activeElement?.tagName === "TR")) break;
  }
  // The focused row's position in the table's body.
  const focusedRow = () =>
    page.evaluate(() => {
      const row = document.activeElement!;
      return String([...row.parentElement!.children].indexOf(row));
    });
  expect(await focusedRow()).toBe("0");
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("ArrowUp");
  expect(await focusedRow()).toBe("1");
  await page.keyboard.press("Space");
  await expect(page.getByLabel("Select message 1", { exact: true })).toBeChecked();
  await expect(page.getByLabel("Select message 0", { exact: true })).not.toBeChecked();
  await page.keyboard.press("End");
  expect(await focusedRow()).toBe("2");
  await page.keyboard.press("Enter");
  const drawer = page.getByRole("dialog", { name: "Message 2" });
  await expect(drawer.getByLabel("Payload", { exact: true })).toContainText('"id": "k0"');
});

test("should delete from the drawer only after its confirmation", async ({ page, redis }) => {
  await redis.lpush("document_dlq", dlqEntry("x0", "document"), dlqEntry("x1", "document"));
  await page.goto("/queues/document");
  await page.getByRole("button", { name: "Details of message 0" }).click();
  const drawer = page.getByRole("dialog", { name: "Message 0" });
  await drawer.getByRole("button", { name: "Delete", exact: true }).click();
  const confirm = page.getByRole("dialog", { name: "Delete message" });
  await expect(confirm).toContainText("cannot be brought back");
  await confirm.getByRole("button", { name: "Cancel" }).click();
  await expect(confirm).toBeHidden();
  expect(await redis.llen("document_dlq")).toBe(2);

  await drawer.getByRole("button", { name: "Delete", exact: true }).click();
  await confirm.getByRole("button", { name: "Delete", exact: true }).click();
  await expect(page.getByRole("status")).toContainText("Message 0 deleted");
  await expect(drawer).toBeHidden();
  expect(await redis.lrange("document_dlq", 0, -1)).toEqual([expect.stringContaining('"id":"x0"')]);
});

test("should keep a confirmation open with the reason while Redis is down, and change nothing", async ({
  page,
  redis,
}) => {
  await redis.lpush("document_dlq", dlqEntry("p0", "document"), dlqEntry("p1", "document"));
  await page.goto("/queues/document");
  // Message 0 is the newest: p1.
  await page.getByLabel("Select message 0", { exact: true }).check();
  await page.getByRole("button", { name: "Delete selected" }).click();
  const confirm = page.getByRole("dialog", { name: "Delete selected messages" });
  await expect(confirm).toContainText("Delete 1 message");

  await stopRedis(redis);
  await confirm.getByRole("button", { name: "Delete", exact: true }).click();
  await expect(confirm.getByRole("alert")).toContainText("Nothing was changed", {
    timeout: 20_000,
  });
  await expect(confirm).toBeVisible();
  startRedis();
  // Until the dashboard's own connection is back (its health answers 200).
  const health = async () => (await page.request.get("/api/health")).status();
  await expect.poll(health, { timeout: 20_000 }).toBe(200);
  // The restarted Redis is empty: put the message back, then the same dialog can finish.
  await redis.lpush("document_dlq", dlqEntry("p1", "document"));
  await confirm.getByRole("button", { name: "Delete", exact: true }).click();
  await expect(confirm).toBeHidden({ timeout: 15_000 });
  // The restarted Redis is empty with no worker to migrate it: the schema notice,
  // also a status, may show beside the action's.
  await expect(page.getByRole("status").filter({ hasText: "1 message deleted" })).toBeVisible();
  expect(await redis.llen("document_dlq")).toBe(0);
});

test("should draw 500 rows of a longer table, show the rest on request, and sort and filter them all", async ({
  page,
  redis,
}) => {
  // 600 denied-request counts in this minute: user u000…u599, the count its number.
  const minute = Math.floor(Date.now() / 60_000);
  const fields = Object.fromEntries(
    Array.from({ length: 600 }, (_, i) => [
      JSON.stringify([`u${String(i).padStart(3, "0")}`, "requeue"]),
      String(i + 1),
    ]),
  );
  await redis.hset(`redrive:audit:denied:${minute}`, fields);
  await page.goto("/audit");
  const table = page.getByRole("table", { name: "Denied requests" });
  const rows = table.locator("tbody tr");
  await expect(rows).toHaveCount(500);
  await expect(page.getByText("500 of 600 rows shown")).toBeVisible();
  // Sorting sees every row, the 100 not drawn too: the largest count comes first.
  const denied = page.getByRole("columnheader", { name: "Denied" });
  await denied.getByRole("button").click();
  await expect(denied).toHaveAttribute("aria-sort", "descending");
  await expect(rows.first()).toContainText("u599");
  await page.getByRole("button", { name: "Show 100 more" }).click();
  await expect(rows).toHaveCount(600);
  await expect(rows.last()).toContainText("u000");
  await page.getByLabel("Filter denied requests").fill("u59");
  await expect(rows).toHaveCount(10);
  await expect(page.getByText("10 of 600 match")).toBeVisible();
});
