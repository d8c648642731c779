import { dlqEntry, expect, test } from "./fixtures";
import { ADMIN_STATE, VIEWER_STATE } from "./setup-env";

test.describe("as an admin", () => {
  test.use({ storageState: ADMIN_STATE });

  test("should create a token shown once, which works until it is revoked on the page", async ({
    page,
    redis,
  }) => {
    await redis.lpush("document_dlq", dlqEntry("t1", "document"));
    await page.goto("/");
    await page
      .getByRole("navigation", { name: "Main" })
      .getByRole("link", { name: "Tokens" })
      .click();
    await expect(page.getByRole("heading", { name: "API tokens", level: 1 })).toBeVisible();

    await page.getByLabel("Name", { exact: true }).fill("nightly check");
    await page.getByLabel("Queues (names or globs, | between; empty for all)").fill("document");
    await page.getByRole("button", { name: "Create token" }).click();
    const secret = page.getByLabel("New token");
    await expect(secret).toHaveValue(/^rdv_/);
    const token = await secret.inputValue();
    const row = page.getByRole("row", { name: /nightly check/ });
    await expect(row).toContainText("document");
    await expect(row).toContainText("never");

    // The bearer token decides, whatever session cookie the request also carries.
    const call = (path: string) =>
      page.request.get(path, { headers: { authorization: `Bearer ${token}` } });
    expect((await call("/api/admin/dlq/document")).status()).toBe(200);
    expect((await call("/api/admin/dlq/video")).status()).toBe(404);

    // Shown once: gone after Done and after a reload, never in the list.
    await page.getByRole("button", { name: "Done" }).click();
    await page.reload();
    await expect(page.getByLabel("New token")).toHaveCount(0);
    expect(await page.content()).not.toContain(token);

    await page.getByRole("button", { name: "Revoke nightly check" }).click();
    const dialog = page.getByRole("dialog", { name: "Revoke token nightly check?" });
    await expect(dialog).toContainText("It was last used");
    await dialog.getByRole("button", { name: "Revoke", exact: true }).click();
    await expect(
      page.getByRole("status").filter({ hasText: "Revoked token nightly check" }),
    ).toBeVisible();
    expect((await call("/api/admin/dlq/document")).status()).toBe(401);
  });
});

test.describe("as a viewer", () => {
  test.use({ storageState: VIEWER_STATE });

  test("should not show the Tokens page or its link", async ({ page }) => {
    await page.goto("/");
    await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
    await expect(page.getByRole("link", { name: "Tokens" })).toHaveCount(0);
    // The dashboard's frame has streamed by then, so the status stays 200: the page says it.
    await page.goto("/tokens");
    await expect(page.getByRole("heading", { name: "Not found", level: 1 })).toBeVisible();
    await expect(page.getByRole("heading", { name: "API tokens" })).toHaveCount(0);
  });
});
