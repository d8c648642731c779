import { expect, test } from "./fixtures";
import { ADMIN_STATE } from "./setup-env";

test.use({ storageState: ADMIN_STATE });

test("should clear one cache namespace and nothing else, then list it in the audit log", async ({
  page,
  redis,
}) => {
  for (let i = 0; i < 15; i++) await redis.set(`user:${i}`, JSON.stringify({ id: i }), "EX", 900);
  await redis.set("doc:summary:1", '"a summary"', "EX", 3600);
  await redis.lpush("document_dlq", '{"id":"keep"}');
  await redis.hset("redrive:cache:stats", "user:hits", 90, "user:misses", 10);
  await page.goto("/cache");
  await expect(page.getByRole("heading", { name: "Cache", level: 1 })).toBeVisible();
  const namespaces = page.getByRole("table", { name: "Cache namespaces" });
  await expect(namespaces).toContainText("90.0 %");
  await page.getByRole("button", { name: "Clear namespace user", exact: true }).click();
  await page
    .getByRole("dialog")
    .getByRole("button", { name: "Clear namespace", exact: true })
    .click();
  await expect(page.getByRole("status")).toContainText("15 keys deleted");
  expect(await redis.exists("user:3")).toBe(0);
  expect(await redis.get("doc:summary:1")).toBe('"a summary"');
  expect(await redis.llen("document_dlq")).toBe(1);

  await page.getByRole("link", { name: "Audit" }).click();
  const audit = page.getByRole("table", { name: "Audit log" });
  await expect(audit).toContainText("clear cache");
  await expect(audit).toContainText("admin");
});
