import { dlqEntry, expect, test } from "./fixtures";
import { ADMIN_STATE } from "./setup-env";

/** A dead letter as the quick start's Python backend writes it: json.dumps spacing, escapes, a big integer. */
const PYTHON_ENTRY =
  '{"id": "e1", "job_id": "job-e1", "filename": "report.pdff", "size": 12345678901234567890, "title": "caf\\u00e9", "retry_count": 3, "error": {"type": "ValueError", "message": "bad extension"}, "failed_at": "2026-12-01T10:00:00+00:00", "original_queue": "document"}';
/** What goes back once `filename` is fixed: the DLQ fields gone, retry_count 0, every other byte kept. */
const FIXED =
  '{"id": "e1", "job_id": "job-e1", "filename": "report.pdf", "size": 12345678901234567890, "title": "caf\\u00e9", "retry_count": 0}';

test.describe("as an admin", () => {
  test.use({ storageState: ADMIN_STATE });

  test("should edit a message, show the diff, and requeue it with every untouched byte as it was", async ({
    page,
    redis,
  }) => {
    await redis.lpush("document_dlq", PYTHON_ENTRY);
    await page.goto("/queues/document");
    await page.getByRole("button", { name: "Details of message 0" }).click();
    await page.getByRole("button", { name: "Edit & requeue…" }).click();
    const editor = page.getByRole("dialog", { name: "Edit message 0, then requeue" });
    const text = editor.getByRole("textbox");
    await expect(text).toHaveValue(FIXED.replace("report.pdf", "report.pdff"));
    // Checked as the admin types: a broken edit cannot be reviewed.
    await text.fill('{"id": "e1",');
    await expect(editor.getByText(/^Not valid JSON/)).toBeVisible();
    await expect(editor.getByRole("button", { name: "Review changes" })).toBeDisabled();
    await text.fill(FIXED);
    await editor.getByRole("button", { name: "Review changes" }).click();
    const changes = editor.getByRole("table", { name: "Changes" });
    await expect(changes.getByRole("row")).toHaveCount(2);
    await expect(changes.getByRole("row", { name: /filename/ })).toContainText('"report.pdff"');
    await expect(changes.getByRole("row", { name: /filename/ })).toContainText('"report.pdf"');
    await editor.getByRole("button", { name: "Requeue with these changes" }).click();
    await expect(
      page.getByRole("status").filter({ hasText: "requeued with your changes" }),
    ).toBeVisible();
    expect(await redis.lrange("document_queue", 0, -1)).toEqual([FIXED]);
    expect(await redis.llen("document_dlq")).toBe(0);
  });

  test("should refuse the edit with a conflict, writing nothing, when the message left the DLQ meanwhile", async ({
    page,
    redis,
  }) => {
    await redis.lpush("video_dlq", dlqEntry("v1", "video"));
    await page.goto("/queues/video");
    await page.getByRole("button", { name: "Details of message 0" }).click();
    await page.getByRole("button", { name: "Edit & requeue…" }).click();
    const editor = page.getByRole("dialog", { name: "Edit message 0, then requeue" });
    const text = editor.getByRole("textbox");
    await expect(text).toHaveValue(/"v1"/);
    await text.fill((await text.inputValue()).replace("reports/v1.pdf", "reports/v1.docx"));
    await editor.getByRole("button", { name: "Review changes" }).click();
    await expect(editor.getByRole("table", { name: "Changes" })).toBeVisible();
    // Another admin requeues it before this one confirms.
    await redis.del("video_dlq");
    await editor.getByRole("button", { name: "Requeue with these changes" }).click();
    await expect(
      page.getByRole("status").filter({ hasText: "changed or left the DLQ" }),
    ).toBeVisible();
    expect(await redis.llen("video_queue")).toBe(0);
  });

  test("should requeue a selection to another queue", async ({ page, redis }) => {
    await redis.lpush("document_dlq", dlqEntry("r1", "document"), dlqEntry("r2", "document"));
    await page.goto("/queues/document");
    await page.getByRole("checkbox", { name: "Select all on this page" }).check();
    await page.getByRole("button", { name: "Requeue with options…" }).click();
    const dialog = page.getByRole("dialog", { name: "Requeue 2 messages with options" });
    await dialog.getByLabel("Queue").selectOption("audio");
    await dialog.getByRole("button", { name: "Requeue", exact: true }).click();
    await expect(
      page.getByRole("status").filter({ hasText: "2 messages requeued to audio" }),
    ).toBeVisible();
    const moved = (await redis.lrange("audio_queue", 0, -1)).map(
      (m) => (JSON.parse(m) as { id: string }).id,
    );
    expect(moved.sort()).toEqual(["r1", "r2"]);
    expect(await redis.llen("document_dlq")).toBe(0);
  });

  test("should set one field in every message of an error group after previewing how many it touches", async ({
    page,
    redis,
  }) => {
    await redis.lpush(
      "graph_dlq",
      dlqEntry("g1", "graph", "missing language"),
      dlqEntry("g2", "graph", "missing language", { language: "de" }),
      dlqEntry("g3", "graph", "other failure"),
    );
    await page.goto("/queues/graph");
    await page.getByRole("tab", { name: "Error groups" }).click();
    await page
      .getByRole("button", { name: /^Requeue with options: ValueError: missing language/ })
      .click();
    const dialog = page.getByRole("dialog", { name: /with options/ });
    await dialog.getByLabel("Change one field in each message").check();
    await dialog.getByLabel("Field (keys separated by dots)").fill("language");
    await dialog.getByLabel("Value (JSON)").fill('"de"');
    await expect(dialog.getByRole("button", { name: "Requeue", exact: true })).toBeDisabled();
    await dialog.getByRole("button", { name: "Preview the edit" }).click();
    await expect(dialog.getByRole("status")).toContainText(
      "Of 2 messages looked at, the edit changes 1, leaves 1 as they are",
    );
    await dialog.getByRole("button", { name: "Requeue", exact: true }).click();
    await expect(page.getByRole("status").filter({ hasText: "2 messages requeued" })).toBeVisible();
    const requeued = (await redis.lrange("graph_queue", 0, -1)).map(
      (m) => JSON.parse(m) as { id: string; language: string },
    );
    expect(requeued.map((m) => [m.id, m.language]).sort()).toEqual([
      ["g1", "de"],
      ["g2", "de"],
    ]);
    expect(await redis.llen("graph_dlq")).toBe(1);
  });
});
