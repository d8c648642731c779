import { dlqEntry, expect, test } from "./fixtures";
import { ADMIN_STATE } from "./setup-env";

test.describe("as an admin", () => {
  test.use({ storageState: ADMIN_STATE });

  test("should keep a note on an error group across a reload, list the group apart as known, and show it on the overview", async ({
    page,
    redis,
  }) => {
    // Reviewed an hour ago: what failed since is "new since the last review".
    const reviewed = Math.floor(Date.now() / 1000) - 3600;
    await redis.hset("redrive:review", "video", JSON.stringify({ at: reviewed, by: "admin" }));
    await redis.lpush(
      "video_dlq",
      dlqEntry("n1", "video", "upstream 503"),
      dlqEntry("n2", "video", "upstream 503"),
      dlqEntry("n3", "video", "bad frame"),
    );
    await page.goto("/queues/video");
    await page.getByRole("tab", { name: "Error groups" }).click();
    await page.getByRole("button", { name: /^Note on ValueError: upstream/ }).click();
    const dialog = page.getByRole("dialog", { name: "Note on error group" });
    await dialog.getByLabel("Note").fill("CDN outage, fixed by INC-42");
    await dialog.getByLabel("Link (a ticket, a runbook)").fill("https://tickets.example/INC-42");
    await dialog.getByLabel("Known: list it apart in the review").check();
    await dialog.getByRole("button", { name: "Save note" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Note saved" })).toBeVisible();

    await page.reload();
    await page.getByRole("tab", { name: "Error groups" }).click();
    const known = page.getByRole("region", { name: "Known error groups" });
    await expect(known.getByRole("row").filter({ hasText: "upstream 503" })).toContainText(
      "CDN outage, fixed by INC-42",
    );
    await expect(known.getByRole("link", { name: "link" })).toHaveAttribute(
      "href",
      "https://tickets.example/INC-42",
    );
    // The open groups' table no longer holds it.
    await expect(
      page
        .getByRole("table", { name: "Error groups of video", exact: true })
        .getByRole("row")
        .filter({ hasText: "upstream 503" }),
    ).toHaveCount(0);

    await page.goto("/");
    const review = page
      .locator("section")
      .filter({ has: page.getByRole("heading", { name: "New since the last review" }) });
    await expect(review).toContainText("CDN outage, fixed by INC-42");
    await expect(review.getByText("Known", { exact: true })).toBeVisible();
  });
});
