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
