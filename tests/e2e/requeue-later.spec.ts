import { dlqEntry, expect, test } from "./fixtures";
import { ADMIN_STATE } from "./setup-env";

test.describe("as an admin", () => {
  test.use({ storageState: ADMIN_STATE });

  test("should requeue a message later: in the retry set, on the Retries tab, due in an hour", async ({
    page,
    redis,
  }) => {
    await redis.lpush("document_dlq", dlqEntry("d0", "document"), dlqEntry("d1", "document"));
    await page.goto("/queues/document");
    await page.getByRole("button", { name: "Details of message 1" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Requeue later…" }).click();
    const later = page.getByRole("dialog", { name: "Requeue later" });
    await later.getByRole("button", { name: "in 1 hour" }).click();
    await later.getByLabel("Time zone").selectOption("UTC");
    await expect(later.getByRole("status")).toContainText(/^Due \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
    const before = Date.now() / 1000;
    await later.getByRole("button", { name: "Requeue later", exact: true }).click();
    await expect(
      page.getByRole("status").filter({ hasText: "requeued to the retry set" }),
    ).toBeVisible();

    const [member, score] = await redis.zrange("document_retry", "0", "-1", "WITHSCORES");
    expect(JSON.parse(member!)).toMatchObject({ id: "d0" });
    expect(member).not.toContain('"error"');
    // The preset's minute: within a minute of an hour from the click.
    expect(Number(score)).toBeGreaterThan(before + 3600 - 61);
    expect(Number(score)).toBeLessThan(before + 3600 + 61);
    expect(await redis.lrange("document_dlq", 0, -1)).toHaveLength(1);

    await page.getByRole("tab", { name: "Retries" }).click();
    await expect(
      page.getByRole("table").getByRole("row").filter({ hasText: '"d0"' }),
    ).toBeVisible();
  });

  test("should requeue a selection for a time already past, which the worker service promotes at once", async ({
    page,
    redis,
  }) => {
    await redis.lpush("audio_dlq", dlqEntry("a0", "audio"), dlqEntry("a1", "audio"));
    await page.goto("/queues/audio");
    await page.getByRole("checkbox", { name: "Select all on this page" }).check();
    await page.getByRole("button", { name: "Requeue later…" }).click();
    const later = page.getByRole("dialog", { name: "Requeue later" });
    await later.getByLabel("Time zone").selectOption("UTC");
    const past = new Date(Date.now() - 120_000).toISOString().slice(0, 16);
    await later.getByLabel("Date and time").fill(past);
    await later.getByRole("button", { name: "Requeue later", exact: true }).click();
    await expect(page.getByRole("status").filter({ hasText: "2 messages requeued" })).toBeVisible();
    await expect.poll(() => redis.llen("audio_queue"), { timeout: 10_000 }).toBe(2);
    expect(await redis.zcard("audio_retry")).toBe(0);
    expect(await redis.llen("audio_dlq")).toBe(0);
  });
});
