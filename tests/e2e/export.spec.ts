import { readFile } from "node:fs/promises";
import { dlqEntry, expect, test } from "./fixtures";
import { ADMIN_STATE, TEAM_STATE } from "./setup-env";

interface Line {
  identity: string;
  entry?: { id: string; customer?: { email: string; name: string } };
  redacted?: true;
  metadata: Record<string, string> | null;
}

test.describe("as an admin named in REDRIVE_EXPORTERS", () => {
  test.use({ storageState: ADMIN_STATE });

  test("should download a filter's matches as JSON Lines, the configured fields masked", async ({
    page,
    redis,
  }) => {
    const customer = (email: string) => ({ customer: { email, name: "Ann" } });
    await redis.lpush(
      "audio_dlq",
      dlqEntry("x1", "audio", "codec missing", customer("ann@example.com")),
      dlqEntry("x2", "audio", "timeout", customer("bob@example.com")),
      dlqEntry("x3", "audio", "codec missing", customer("eve@example.com")),
    );
    await page.goto("/queues/audio");
    await page.getByLabel("Filter messages").fill("codec");
    await page.getByLabel("Filter messages").press("Enter");
    const link = page.getByRole("link", {
      name: "Export the messages of audio that contain codec",
    });
    await expect(link).toBeVisible();
    const [download] = await Promise.all([page.waitForEvent("download"), link.click()]);
    expect(download.suggestedFilename()).toMatch(/^audio-dlq-\d{8}T\d{6}Z\.jsonl$/);
    const text = await readFile((await download.path())!, "utf8");
    const lines = text
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l) as Line);
    // Oldest first; the other error's entry is not in it.
    expect(lines.map((l) => l.entry?.id)).toEqual(["x1", "x3"]);
    expect(lines.every((l) => l.redacted === true)).toBe(true);
    expect(lines.map((l) => l.entry?.customer)).toEqual([
      { email: "[redacted]", name: "Ann" },
      { email: "[redacted]", name: "Ann" },
    ]);
    expect(text).not.toContain("@example.com");

    await page.goto("/audit");
    await expect(page.getByRole("row").filter({ hasText: 'filter "codec"' })).toContainText(
      "export",
    );
  });
});

test.describe("as an admin not named in REDRIVE_EXPORTERS", () => {
  test.use({ storageState: TEAM_STATE });

  test("should show no export, and be refused when asking the API anyway", async ({
    page,
    redis,
  }) => {
    await redis.lpush("document_dlq", dlqEntry("t1", "document"));
    await page.goto("/queues/document");
    await expect(page.getByRole("button", { name: "Details of message 0" })).toBeVisible();
    await expect(page.getByRole("link", { name: /^Export/ })).toHaveCount(0);
    const res = await page.request.get("/api/admin/dlq/document/export");
    expect(res.status()).toBe(403);
    expect(await res.json()).toMatchObject({ error: { code: "EXPORT_NOT_ALLOWED" } });
  });
});
