import { dlqEntry, expect, test } from "./fixtures";
import { ADMIN_STATE, TEAM_STATE, VIEWER_STATE } from "./setup-env";

/** The document DLQ with `n` entries; index 0 (the newest) is d{n-1}. */
async function fill(redis: import("ioredis").default, n: number) {
  const entries = Array.from({ length: n }, (_, i) =>
    dlqEntry(`d${i}`, "document", `bad input ${i}`),
  );
  await redis.lpush("document_dlq", ...entries);
}

test.describe("as an admin", () => {
  test.use({ storageState: ADMIN_STATE });

  test("should requeue one message from the table: it leaves the DLQ and arrives in the work queue", async ({
    page,
    redis,
  }) => {
    await fill(redis, 3);
    await page.goto("/queues/document");
    const table = page.getByRole("table", { name: "Dead letters of document" });
    await expect(table.getByRole("row")).toHaveCount(4);
    await page.getByRole("button", { name: "Details of message 1" }).click();
    const drawer = page.getByRole("dialog");
    await expect(drawer.getByLabel("Payload", { exact: true })).toContainText('"id": "d1"');
    await drawer.getByRole("button", { name: "Requeue", exact: true }).click();
    await expect(page.getByRole("status")).toContainText("requeued");
    await expect(table.getByRole("row")).toHaveCount(3);
    expect(await redis.llen("document_dlq")).toBe(2);
    const work = await redis.lrange("document_queue", 0, -1);
    expect(work).toHaveLength(1);
    expect(JSON.parse(work[0]!)).toMatchObject({ id: "d1", retry_count: 0 });
    expect(work[0]).not.toContain('"error"');
  });

  test("should say what a requeue from deep inside a long DLQ costs Redis before it runs", async ({
    page,
    redis,
  }) => {
    const n = 120_000;
    for (let from = 0; from < n; from += 10_000) {
      const batch = Array.from(
        { length: 10_000 },
        (_, i) => `{"id":"d${from + i}","n":${from + i}}`,
      );
      await redis.lpush("document_dlq", ...batch);
    }
    await page.goto("/queues/document");
    await page.getByLabel("Go to index").fill("60000");
    await page.getByRole("button", { name: "Go", exact: true }).click();
    await page.getByRole("button", { name: "Requeue message 60000" }).click();
    const dialog = page.getByRole("dialog", { name: "Requeue message" });
    await expect(dialog.getByRole("note")).toContainText("walk 60,000 entries");
    expect(await redis.llen("document_queue")).toBe(0);
    await dialog.getByRole("button", { name: "Requeue", exact: true }).click();
    await expect(page.getByRole("status")).toContainText("Message 60000 requeued");
    expect(await redis.lrange("document_queue", 0, -1)).toEqual([
      `{"id":"d${n - 1 - 60_000}","n":${n - 1 - 60_000}}`,
    ]);
    expect(await redis.llen("document_dlq")).toBe(n - 1);
    // Requeue later moves by position too: its dialog says the same before anything moves.
    await page.getByRole("button", { name: "Details of message 60000" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Requeue later…" }).click();
    const later = page.getByRole("dialog", { name: "Requeue later" });
    // One fewer now: the tail, 59 999 entries away, is the nearer end.
    await expect(later.getByRole("note")).toContainText("walk 59,999 entries");
  });

  test("should requeue a selection in one go", async ({ page, redis }) => {
    await fill(redis, 5);
    await page.goto("/queues/document");
    await page.getByLabel("Select message 0").check();
    await page.getByLabel("Select message 3").check();
    await page.getByRole("button", { name: "Requeue selected" }).click();
    await expect(page.getByRole("status")).toContainText(/2/);
    await expect.poll(() => redis.llen("document_queue")).toBe(2);
    const ids = (await redis.lrange("document_queue", 0, -1)).map(
      (m) => (JSON.parse(m) as { id: string }).id,
    );
    expect(ids.sort()).toEqual(["d1", "d4"]);
    expect(await redis.llen("document_dlq")).toBe(3);
  });

  test("should delete a selection only after the confirm that states the count", async ({
    page,
    redis,
  }) => {
    await fill(redis, 4);
    await page.goto("/queues/document");
    await page.getByLabel("Select message 0").check();
    await page.getByLabel("Select message 2").check();
    await page.getByRole("button", { name: "Delete selected" }).click();
    const confirm = page.getByRole("dialog");
    await expect(confirm).toContainText("Delete 2 messages");
    await confirm.getByRole("button", { name: "Cancel" }).click();
    expect(await redis.llen("document_dlq")).toBe(4);
    await page.getByRole("button", { name: "Delete selected" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Delete", exact: true }).click();
    await expect.poll(() => redis.llen("document_dlq")).toBe(2);
    expect(await redis.llen("document_queue")).toBe(0);
  });

  test("should keep a checked row checked while new failures push it down", async ({
    page,
    redis,
  }) => {
    await fill(redis, 3);
    await page.goto("/queues/document");
    await page.getByLabel("Auto refresh").selectOption("2000");
    await page.getByLabel("Select message 1").check();
    await redis.lpush("document_dlq", dlqEntry("new1", "document"), dlqEntry("new2", "document"));
    // The checked message (d1) is now at index 3, and still checked.
    await expect(page.getByLabel("Select message 3")).toBeChecked({ timeout: 10_000 });
    await expect(page.getByLabel("Select message 1")).not.toBeChecked();
    await page.getByRole("button", { name: "Requeue selected" }).click();
    await expect
      .poll(() => redis.lrange("document_queue", 0, -1))
      .toEqual([expect.stringContaining('"id":"d1"')]);
  });

  test("should requeue all through a redrive task and show its progress to the end", async ({
    page,
    redis,
  }) => {
    await fill(redis, 40);
    await page.goto("/queues/document");
    await page.getByRole("button", { name: "Requeue all" }).click();
    const confirm = page.getByRole("dialog");
    await expect(confirm).toContainText("40");
    await confirm.getByLabel("Rate (messages per second)").fill("20");
    await confirm.getByRole("button", { name: "Requeue all", exact: true }).click();
    const progress = page.getByRole("progressbar", { name: "Redrive progress" });
    await expect(progress).toBeVisible();
    await expect(progress).toHaveAttribute("aria-valuemax", "40");
    await expect(progress).toHaveAttribute("aria-valuenow", "40", { timeout: 20_000 });
    await expect(page.getByRole("region", { name: "Redrive task" })).toContainText(/done/i);
    expect(await redis.llen("document_dlq")).toBe(0);
    expect(await redis.llen("document_queue")).toBe(40);
  });

  test("should show a hostile payload as text, truncated, with an expand", async ({
    page,
    redis,
  }) => {
    const script =
      '<script>window.__pwned = true</script><img src=x onerror="window.__pwned=true">';
    await redis.lpush("document_dlq", `${script}${"A".repeat(200_000)}`);
    let dialogs = 0;
    page.on("dialog", () => void dialogs++);
    await page.goto("/queues/document");
    await expect(page.getByRole("table", { name: "Dead letters of document" })).toContainText(
      "<script>",
    );
    await page.getByRole("button", { name: "Details of message 0" }).click();
    const payload = page.getByRole("dialog").getByLabel("Payload", { exact: true });
    await expect(payload).toContainText("<script>window.__pwned = true</script>");
    const shown = (await payload.textContent()) ?? "";
    expect(shown.length).toBeLessThan(70_000);
    await page
      .getByRole("dialog")
      .getByRole("button", { name: /Show all/ })
      .click();
    await expect
      .poll(async () => ((await payload.textContent()) ?? "").length)
      .toBeGreaterThan(200_000);
    expect(await page.evaluate(() => (window as { __pwned?: boolean }).__pwned)).toBeUndefined();
    expect(dialogs).toBe(0);
    expect(await page.locator("main img[src=x]").count()).toBe(0);
  });
});

test.describe("by keyboard and in the daily review", () => {
  test.use({ storageState: ADMIN_STATE });

  /** Presses Tab until the focused element has this accessible label or text. */
  async function tabTo(page: import("@playwright/test").Page, name: string) {
    for (let i = 0; i < 80; i++) {
      await page.keyboard.press("Tab");
      const focused = await page.evaluate(
        () =>
          document.activeElement?.getAttribute("aria-label") ??
          document.activeElement?.textContent?.trim(),
      );
      if (focused === name) return;
    }
    throw new Error(`Tab never reached ${name}`);
  }

  test("should requeue a message with the keyboard alone", async ({ page, redis }) => {
    await fill(redis, 2);
    await page.goto("/queues/document");
    await expect(page.getByRole("table", { name: "Dead letters of document" })).toContainText(
      "bad input 1",
    );
    await tabTo(page, "Details of message 0");
    await page.keyboard.press("Enter");
    await expect(page.getByRole("dialog")).toBeVisible();
    await tabTo(page, "Requeue");
    await page.keyboard.press("Enter");
    await expect(page.getByRole("status")).toContainText("requeued");
    await expect.poll(() => redis.llen("document_queue")).toBe(1);
  });

  test("should show what is new since an admin marked the queue reviewed", async ({
    page,
    redis,
  }) => {
    await fill(redis, 2);
    await page.goto("/queues/document");
    await page.getByRole("button", { name: "Mark reviewed" }).click();
    await expect(page.getByText(/reviewed .* by admin/i).first()).toBeVisible();
    await page.waitForTimeout(1100);
    await redis.lpush(
      "document_dlq",
      dlqEntry("fresh", "document", "disk full on /var/tmp/x", {
        failed_at: new Date().toISOString(),
        error: { type: "OSError", message: "disk full on /var/tmp/x" },
      }),
    );
    await page.getByRole("link", { name: "Overview" }).click();
    const card = page.locator('[data-queue-card="document"]');
    await expect(card).toContainText(/1 new since/);
    const since = page.locator("section", {
      has: page.getByRole("heading", { name: "New since the last review" }),
    });
    await expect(since).toContainText("OSError");
  });
});

test.describe("as a viewer", () => {
  test.use({ storageState: VIEWER_STATE });

  test("should see the data and no button that changes anything", async ({ page, redis }) => {
    await fill(redis, 2);
    await redis.zadd("document_retry", Date.now() / 1000 + 600, JSON.stringify({ id: "r1" }));
    await page.goto("/queues/document");
    await expect(page.getByRole("table", { name: "Dead letters of document" })).toContainText(
      "bad input 1",
    );
    for (const name of [
      "Requeue selected",
      "Delete selected",
      "Requeue all",
      "Delete all",
      "Purge old",
      "Mark reviewed",
    ]) {
      await expect(page.getByRole("button", { name })).toHaveCount(0);
    }
    await expect(page.getByRole("checkbox")).toHaveCount(0);
    await page.getByRole("button", { name: "Details of message 0" }).click();
    await expect(
      page.getByRole("dialog").getByRole("button", { name: "Requeue", exact: true }),
    ).toHaveCount(0);
    await page.keyboard.press("Escape");
    await page.getByRole("tab", { name: "Retries" }).click();
    await expect(page.getByRole("table", { name: "Scheduled retries of document" })).toContainText(
      "r1",
    );
    await expect(page.getByRole("button", { name: /Retry/ })).toHaveCount(0);
    await page.getByRole("tab", { name: "Error groups" }).click();
    await expect(page.getByRole("table", { name: "Error groups of document" })).toBeVisible();
    await expect(page.getByRole("button", { name: /^(Requeue|Delete)/ })).toHaveCount(0);
  });
});

test.describe("as an admin of some queues", () => {
  test.use({ storageState: TEAM_STATE });

  test("should see only their queues, act on them, and find no other queue nor the cache", async ({
    page,
    redis,
  }) => {
    await fill(redis, 2);
    await page.goto("/");
    const nav = page.getByRole("navigation", { name: "Main" });
    await expect(nav.getByRole("link", { name: "document" })).toBeVisible();
    await expect(nav.getByRole("link", { name: "audio" })).toBeVisible();
    for (const name of ["video", "graph", "Cache"]) {
      await expect(nav.getByRole("link", { name })).toHaveCount(0);
    }
    await expect(page.getByText("team · admin of 2 queues")).toBeVisible();
    await page.goto("/queues/document");
    await expect(page.getByRole("table", { name: "Dead letters of document" })).toContainText(
      "bad input 1",
    );
    await expect(page.getByRole("button", { name: "Requeue all" })).toBeVisible();
    await page.goto("/queues/video");
    await expect(page.getByRole("heading", { name: "Not found" })).toBeVisible();
  });
});
