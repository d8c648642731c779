import type { Page } from "@playwright/test";
import { dlqEntry, expect, historySamples, test } from "./fixtures";
import { ADMIN_STATE, PASSWORD } from "./setup-env";

/**
 * The browser's side of the security headers: every page works under the
 * Content-Security-Policy (no violation, charts included), a script the page
 * did not bring cannot run, the dashboard cannot be framed, and a login never
 * leaves the site.
 */
declare global {
  interface Window {
    __violations: string[];
    __pwned?: number;
  }
}

async function recordViolations(page: Page) {
  await page.addInitScript(() => {
    window.__violations = [];
    document.addEventListener("securitypolicyviolation", (e) => {
      window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
}

test.describe("as an admin", () => {
  test.use({ storageState: ADMIN_STATE });

  test("should run every page, charts included, without a policy violation", async ({
    page,
    redis,
  }) => {
    await redis.lpush("redrive:metrics:10s", ...historySamples(Date.now() / 1000));
    await redis.lpush("document_dlq", dlqEntry("c1", "document", "<script>alert(1)</script>"));
    await recordViolations(page);
    await page.goto("/");
    await expect(page.locator('[data-chart][data-ready="true"]')).toHaveCount(6);
    await page.goto("/queues/document");
    await expect(page.getByRole("table").first()).toContainText("c1");
    await page.goto("/cache");
    await expect(page.getByRole("heading", { name: "Cache", level: 1 })).toBeVisible();
    await page.goto("/audit");
    await expect(page.getByRole("table", { name: "Audit log" })).toBeVisible();
    await page.goto("/no-such-page");
    await page.waitForLoadState("networkidle");
    expect(await page.evaluate(() => window.__violations)).toEqual([]);
  });

  test("should refuse to run markup's inline code that reached the page", async ({ page }) => {
    await recordViolations(page);
    await page.goto("/");
    // What an injection would try: an inline handler, and a parser-inserted script.
    await page.evaluate(() => {
      const div = document.createElement("div");
      div.innerHTML = '<img src="data:," onerror="window.__pwned = 1">';
      document.body.appendChild(div);
      const frame = document.createElement("iframe");
      frame.srcdoc = "<script>parent.__pwned = 2</script>";
      document.body.appendChild(frame);
    });
    await expect
      .poll(() => page.evaluate(() => window.__violations.join("\n")))
      .toContain("script-src");
    await page.waitForTimeout(500);
    expect(await page.evaluate(() => window.__pwned ?? 0)).toBe(0);
  });

  test("should not let another site frame the dashboard", async ({ page, baseURL }) => {
    // A page on another origin, served by the browser's own request routing (no network).
    await page.route("http://attacker.test/", (route) =>
      route.fulfill({
        contentType: "text/html",
        body: `<!doctype html><title>win a prize</title><iframe id="f" src="${baseURL}/queues/document" width="800" height="600"></iframe>`,
      }),
    );
    await page.goto("http://attacker.test/");
    await page.waitForTimeout(1_500);
    const framed = page.frames().find((f) => f !== page.mainFrame());
    const text = framed
      ? await framed.evaluate(() => document.body?.innerText ?? "").catch(() => "")
      : "";
    expect(text).not.toContain("Requeue");
    expect(text).not.toContain("Redrive");
  });
});

test("should stay on the dashboard after login whatever the callback URL says", async ({
  page,
  baseURL,
}) => {
  for (const evil of ["/%5Cevil.example", "/%09/evil.example", "/.//evil.example"]) {
    await page.context().clearCookies();
    await page.goto(`/login?callbackUrl=${evil}`);
    await page.getByLabel("User").fill("admin");
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Log in", exact: true }).click();
    // Wherever the browser goes next, it is a page of this site (the overview, or a 404 here).
    await page.waitForURL((url) => !url.pathname.startsWith("/login"));
    expect(new URL(page.url()).origin, evil).toBe(new URL(baseURL!).origin);
  }
});
