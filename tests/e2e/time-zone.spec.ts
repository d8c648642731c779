import { dlqEntry, expect, test } from "./fixtures";
import { ADMIN_STATE } from "./setup-env";

// A browser zone without daylight saving, so that "local" has the same offset whenever this runs.
test.use({ storageState: ADMIN_STATE, timezoneId: "Asia/Kolkata" });

/** How the dashboard writes an instant in UTC and in Asia/Kolkata. */
function shown(epochSeconds: number): { utc: string; local: string } {
  const text = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace("T", " ");
  return {
    utc: `${text(epochSeconds * 1000)} UTC`,
    local: `${text((epochSeconds + 5.5 * 3600) * 1000)} UTC+5:30`,
  };
}

test("should show a dead letter's time with its zone, and the same instant in UTC when the user picks UTC, also after a reload", async ({
  page,
  redis,
}) => {
  // Recent: the worker service purges old dead letters.
  const at = Math.floor(Date.now() / 1000) - 120;
  const iso = new Date(at * 1000).toISOString();
  const { utc, local } = shown(at);
  await redis.lpush("document_dlq", dlqEntry("tz", "document", "bad input", { failed_at: iso }));
  await page.goto("/queues/document");
  const table = page.getByRole("table", { name: "Dead letters of document" });
  const failed = table.locator(`time[datetime="${iso}"]`);
  await expect(failed).toHaveAttribute("title", local);
  await page.getByRole("button", { name: "Details of message 0" }).click();
  await expect(page.getByRole("dialog")).toContainText(`${local} (`);
  await page.keyboard.press("Escape");
  await expect(page.getByRole("dialog")).toHaveCount(0);

  // By keyboard: the toggle is an ordinary button in a labelled group.
  const zone = page.getByRole("group", { name: "Time zone" });
  await expect(zone.getByRole("button", { name: "Local" })).toHaveAttribute("aria-pressed", "true");
  await zone.getByRole("button", { name: "UTC" }).focus();
  await page.keyboard.press("Enter");
  await expect(zone.getByRole("button", { name: "UTC" })).toHaveAttribute("aria-pressed", "true");
  await expect(failed).toHaveAttribute("title", utc);
  await page.getByRole("button", { name: "Details of message 0" }).click();
  await expect(page.getByRole("dialog")).toContainText(`${utc} (`);
  await page.keyboard.press("Escape");

  await page.reload();
  await expect(failed).toHaveAttribute("title", utc);
  await expect(
    page.getByRole("group", { name: "Time zone" }).getByRole("button", { name: "UTC" }),
  ).toHaveAttribute("aria-pressed", "true");

  await page
    .getByRole("group", { name: "Time zone" })
    .getByRole("button", { name: "Local" })
    .click();
  await expect(failed).toHaveAttribute("title", local);
});

test("should show an audit entry's time with its zone, and in UTC when the user picks UTC", async ({
  page,
  redis,
}) => {
  const at = Date.UTC(2026, 0, 15, 13, 3, 7);
  const { utc, local } = shown(at / 1000);
  const entry = {
    user: "ana",
    role: "admin",
    action: "requeue",
    result: "ok",
    ip: "",
    at: at / 1000,
  };
  await redis.xadd("redrive:audit", `${at}-0`, "e", JSON.stringify(entry));
  await page.goto("/audit");
  const audit = page.getByRole("table", { name: "Audit log" });
  await expect(audit).toContainText(local);
  await page.getByRole("group", { name: "Time zone" }).getByRole("button", { name: "UTC" }).click();
  await expect(audit).toContainText(utc);
  await expect(audit).not.toContainText("UTC+5:30");
});
