import {
  dlqEntry,
  expect,
  historySamples,
  hydrated,
  startRedis,
  stopRedis,
  test,
} from "./fixtures";
import { ADMIN_STATE, PASSWORD } from "./setup-env";
import pkg from "../../package.json";

test("should log in with the form and land on the overview", async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveURL(/\/login/);
  await page.getByLabel("User").fill("admin");
  await page.getByLabel("Password").fill("wrong");
  await page.getByRole("button", { name: "Log in", exact: true }).click();
  await expect(page.getByText("Wrong user name or password.")).toBeVisible();
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Log in", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
  await expect(page.getByText("admin · admin")).toBeVisible();
  // Signed-in users see the version (anonymous health answers do not carry it).
  await expect(page.getByTitle("Redrive version")).toHaveText(`v${pkg.version}`);
});

test.describe("as an admin", () => {
  test.use({ storageState: ADMIN_STATE });

  test("should draw the history charts and turn a queue over its threshold red", async ({
    page,
    redis,
  }) => {
    await redis.lpush("redrive:metrics:10s", ...historySamples(Date.now() / 1000));
    const entries = Array.from({ length: 60 }, (_, i) => dlqEntry(`v${i}`, "video"));
    await redis.lpush("video_dlq", ...entries);
    await page.goto("/");
    await expect(page.locator('[data-chart][data-ready="true"]')).toHaveCount(6);
    const video = page.locator('[data-queue-card="video"]');
    await expect(video).toHaveAttribute("data-alert", "true");
    await expect(video).toContainText("60");
    await expect(page.locator('[data-queue-card="audio"]')).toHaveAttribute("data-alert", "false");
    await expect(page.getByRole("heading", { name: /Alerts/ })).toBeVisible();
    await expect(page.getByText("video: 60 messages in the DLQ (alert above 50)")).toBeVisible();
    await page.getByRole("button", { name: "dead-lettered" }).click();
    await expect(page.getByRole("heading", { name: "Dead-lettered per minute" })).toBeVisible();
    await expect(page.locator('[data-chart="failures"][data-ready="true"]')).toBeVisible();
    await page.getByRole("button", { name: "24h" }).click();
    await expect(page.locator('[data-chart="dlq"]')).toBeVisible();
  });

  test("should show a banner while Redis is down, keep the last data, and recover by itself", async ({
    page,
    redis,
  }) => {
    await redis.lpush("document_dlq", dlqEntry("d1", "document"));
    await page.goto("/");
    await hydrated(page);
    await page.getByLabel("Auto refresh").selectOption("2000");
    const card = page.locator('[data-queue-card="document"]');
    await expect(card).toContainText("Dead letters");
    await expect(card).toContainText("1");
    await stopRedis(redis);
    await expect(page.getByText(/Redis is unreachable/)).toBeVisible({ timeout: 15_000 });
    await expect(card).toBeVisible();
    startRedis();
    await expect(page.getByText(/Redis is unreachable/)).toBeHidden({ timeout: 20_000 });
    await expect(card).toContainText("0");
  });

  test("should warn on every page while Redis can evict queues, and stop when it cannot", async ({
    page,
    redis,
  }) => {
    await redis.config("SET", "maxmemory-policy", "allkeys-lru");
    try {
      const banner = page.getByRole("alert", { name: "Redis warnings" });
      for (const path of ["/", "/queues/document", "/cache", "/audit"]) {
        await page.goto(path);
        await expect(banner).toContainText("maxmemory-policy is allkeys-lru");
        await expect(banner).toContainText("Set maxmemory-policy noeviction");
      }
      await redis.config("SET", "maxmemory-policy", "noeviction");
      // The next read of Redis's settings clears it (asked now, not at the 15 s poll).
      await page.getByRole("button", { name: "Refresh now" }).click();
      await expect(banner).toBeHidden({ timeout: 10_000 });
    } finally {
      await redis.config("SET", "maxmemory-policy", "noeviction");
    }
  });

  test("should say on every page when the stored state is newer than this dashboard knows", async ({
    page,
    redis,
  }) => {
    await redis.hset("redrive:schema", "version", 99);
    const notice = page.getByTestId("schema-notice");
    for (const path of ["/", "/audit"]) {
      await page.goto(path);
      await expect(notice).toContainText("schema 99, newer than this dashboard knows");
    }
  });
});
