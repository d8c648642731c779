import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { dlqEntry, expect, test } from "./fixtures";
import { ADMIN_STATE } from "./setup-env";

/** axe-core on every page, light and dark, desktop and phone: no serious or critical violation. */
const PAGES = ["/", "/queues/document", "/cache", "/audit", "/tokens", "/find?job_id=x"];

async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.nodes
          .map((n) => n.target.join(" "))
          .slice(0, 3)
          .join(", ")}`,
    );
}

test("should have no serious accessibility violation on the login page", async ({ page }) => {
  for (const scheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.goto("/login");
    await expect(page.getByLabel("User")).toBeVisible();
    expect(await seriousViolations(page), scheme).toEqual([]);
  }
});

test.describe("dashboard pages", () => {
  test.use({ storageState: ADMIN_STATE });

  for (const scheme of ["light", "dark"] as const) {
    for (const width of [1280, 390]) {
      test(`should have no serious accessibility violation, ${scheme}, ${width} px`, async ({
        page,
        redis,
      }) => {
        await redis.lpush("document_dlq", dlqEntry("a", "document"), "not json <b>bold</b>");
        await page.setViewportSize({ width, height: 900 });
        await page.emulateMedia({ colorScheme: scheme });
        for (const path of PAGES) {
          await page.goto(path);
          await expect(page.locator("main h1").first()).toBeVisible();
          await page.waitForLoadState("networkidle");
          expect(await seriousViolations(page), `${path} ${scheme} ${width}px`).toEqual([]);
        }
      });
    }
  }
});

test.describe("the dialogs of fix, route and notes", () => {
  test.use({ storageState: ADMIN_STATE });

  for (const scheme of ["light", "dark"] as const) {
    test(`should have no serious accessibility violation, ${scheme}`, async ({ page, redis }) => {
      await redis.lpush("audio_dlq", dlqEntry("d1", "audio"));
      await page.emulateMedia({ colorScheme: scheme });
      await page.goto("/queues/audio");
      await page.getByRole("button", { name: "Details of message 0" }).click();
      await page.getByRole("button", { name: "Edit & requeue…" }).click();
      const editor = page.getByRole("dialog", { name: "Edit message 0, then requeue" });
      const text = editor.getByRole("textbox");
      await text.fill((await text.inputValue()).replace("reports/d1.pdf", "reports/d1.docx"));
      await editor.getByRole("button", { name: "Review changes" }).click();
      await expect(editor.getByRole("table", { name: "Changes" })).toBeVisible();
      expect(await seriousViolations(page), `editor ${scheme}`).toEqual([]);
      await editor.getByRole("button", { name: "Back to editing" }).click();
      await page.keyboard.press("Escape");
      await page
        .getByRole("dialog", { name: "Message 0" })
        .getByRole("button", { name: "Requeue with options…" })
        .click();
      const options = page.getByRole("dialog", { name: /with options/ });
      await options.getByLabel("Change one field in each message").check();
      await expect(options.getByLabel("Value (JSON)")).toBeVisible();
      expect(await seriousViolations(page), `options ${scheme}`).toEqual([]);
      await page.goto("/queues/audio");
      await page.getByRole("tab", { name: "Error groups" }).click();
      await page.getByRole("button", { name: /^Note on / }).click();
      await page.getByLabel("Known: list it apart in the review").check();
      expect(await seriousViolations(page), `note ${scheme}`).toEqual([]);
    });
  }
});
