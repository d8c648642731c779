import { dlqEntry, expect, hydrated, test } from "./fixtures";
import { ADMIN_STATE } from "./setup-env";

test.describe("as an admin", () => {
  test.use({ storageState: ADMIN_STATE });

  test("should find a job in each place it can be, from a link, and open the dead letter", async ({
    page,
    redis,
  }) => {
    const job = (n: number) =>
      JSON.stringify({ job_id: "6b4c87a6", filename: `f${n}.pdf`, retry_count: n });
    await redis.lpush("document_queue", job(0), JSON.stringify({ job_id: "other" }));
    await redis.lpush("document_queue:processing", job(1));
    await redis.zadd("audio_retry", Math.floor(Date.now() / 1000) + 3600, job(2));
    await redis.lpush(
      "video_dlq",
      dlqEntry("v1", "video", "PDF has no pages", { job_id: "6b4c87a6" }),
      dlqEntry("v2", "video"),
    );

    // A log line's link: the search starts by itself.
    await page.goto("/find?job_id=6b4c87a6");
    await hydrated(page);
    const status = page.getByRole("status").filter({ hasText: "entries looked at" });
    await expect(status).toContainText("every place of 4 queues searched");
    await expect(status).toContainText("4 found");
    const rows = page.getByRole("region", { name: "Matches" }).getByRole("row");
    await expect(rows.filter({ hasText: "waiting in the work queue" })).toContainText("document");
    await expect(rows.filter({ hasText: "taken by a consumer" })).toContainText("document");
    await expect(rows.filter({ hasText: "scheduled to retry" })).toContainText("audio");
    const dead = rows.filter({ hasText: "dead-lettered" });
    await expect(dead).toContainText("ValueError: PDF has no pages");

    await dead.getByRole("link", { name: /Open dead letter 1/ }).click();
    const drawer = page.getByRole("dialog", { name: "Message 1" });
    await expect(drawer).toContainText("PDF has no pages");
    // Followed once: the link's parameters are gone, and the drawer stays open.
    await expect(page).toHaveURL(/\/queues\/video$/);
    await expect(drawer).toBeVisible();
  });

  test("should search again from the form, keep the search in the URL, and say when nothing is found", async ({
    page,
    redis,
  }) => {
    await redis.zadd("graph_retry", Math.floor(Date.now() / 1000) + 600, '{"id":"r-9"}');
    await page.goto("/find");
    await hydrated(page);
    await page.getByLabel("Field").fill("id");
    await page.getByLabel("Value").fill("r-9");
    await page.getByRole("button", { name: "Find" }).click();
    await expect(page).toHaveURL(/\/find\?field=id&value=r-9/);
    const rows = page.getByRole("region", { name: "Matches" }).getByRole("row");
    await rows
      .filter({ hasText: "scheduled to retry" })
      .getByRole("link", { name: /Retry 1 in line/ })
      .click();
    await expect(page.getByRole("tab", { name: "Retries" })).toHaveAttribute(
      "aria-selected",
      "true",
    );

    await page.goto("/find?job_id=nowhere");
    await expect(page.getByRole("region", { name: "Matches" })).toContainText(
      "No message has job_id = nowhere where the scan looked.",
    );
  });
});
