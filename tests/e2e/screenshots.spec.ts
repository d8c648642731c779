import { dlqEntry, expect, test } from "./fixtures";
import { ADMIN_STATE } from "./setup-env";

/**
 * The README's screenshots: every page, light and dark, at 1280 px (and the
 * overview at 390 px). Runs only with SCREENSHOTS=1 (`npm run screenshots`),
 * since it writes into docs/.
 */
test.use({ storageState: ADMIN_STATE });

const QUEUES = ["document", "audio", "video", "graph"];
const ERRORS = [
  ["TimeoutError", "upstream OCR service timed out after 30s"],
  ["ValueError", "unsupported codec h265 in clip_8812.mov"],
  ["PDFSyntaxError", "xref table not found in reports/q3-2026.pdf"],
  ["ConnectionResetError", "connection reset by peer (10.0.3.7:5432)"],
];

async function seed(redis: import("ioredis").default) {
  const now = Date.now() / 1000;
  const samples: string[] = [];
  for (let i = 0; i < 360; i++) {
    const t = Math.floor((now - 3600 + i * 10) / 10) * 10;
    const wave = (k: number) => Math.round(40 + 30 * Math.sin(i / 25 + k) + k * 15);
    const q = Object.fromEntries(
      QUEUES.map((name, k) => [
        name,
        [
          wave(k),
          k,
          10 + (i % 20),
          20 + k * 30 + Math.floor(i / 12),
          i * (k + 2),
          Math.floor(i / 6),
          0,
          0,
        ],
      ]),
    );
    samples.push(
      JSON.stringify({
        t,
        q,
        ks: [i * 900, i * 90],
        c: [i * 850, i * 120],
        m: [52_000_000 + i * 20_000, 268_435_456],
      }),
    );
  }
  await redis.lpush("redrive:metrics:10s", ...samples);
  for (const [k, queue] of QUEUES.entries()) {
    const entries = Array.from({ length: 20 + k * 30 + 30 }, (_, i) => {
      const [type, message] = ERRORS[(i + k) % ERRORS.length]!;
      return dlqEntry(`${queue}-${i}`, queue, message, {
        error: { type, message, stack: `${type}: ${message}` },
      });
    });
    await redis.lpush(`${queue}_dlq`, ...entries);
    await redis.lpush(
      `${queue}_queue`,
      ...Array.from({ length: 12 + k }, (_, i) => JSON.stringify({ id: `w${i}` })),
    );
  }
  await redis.lpush("document_dlq", "not json at all", '<script>alert("x")</script>');
  for (let i = 0; i < 40; i++)
    await redis.set(`user:${i}`, JSON.stringify({ id: i, name: `user ${i}` }), "EX", 900);
  await redis.hset(
    "redrive:cache:stats",
    "user:hits",
    900,
    "user:misses",
    100,
    "doc_summary:hits",
    300,
    "doc_summary:misses",
    60,
  );
}

const PAGES = [
  ["overview", "/"],
  ["queue", "/queues/document"],
  ["cache", "/cache"],
  ["audit", "/audit"],
] as const;

for (const scheme of ["light", "dark"] as const) {
  test(`screenshots, ${scheme}`, async ({ page, redis }) => {
    await seed(redis);
    await page.emulateMedia({ colorScheme: scheme });
    for (const [name, path] of PAGES) {
      await page.goto(path);
      await expect(page.locator("main h1").first()).toBeVisible();
      if (name === "overview")
        await expect(page.locator('[data-chart][data-ready="true"]')).toHaveCount(6);
      await page.waitForTimeout(500);
      await page.screenshot({ path: `docs/screenshots/${name}-${scheme}.png`, fullPage: true });
    }
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto("/");
    await expect(page.locator('[data-chart][data-ready="true"]')).toHaveCount(6);
    await page.screenshot({ path: `docs/screenshots/overview-phone-${scheme}.png` });
    await page.goto("/queues/document");
    await expect(
      page.getByRole("button", { name: "Details of message 0", exact: true }),
    ).toBeVisible();
    // The stacked rows, which is what an admin opens from a page alert.
    const top = (el: Element) => el.scrollIntoView({ block: "start" });
    await page.getByText("Select messages to act on them").evaluate(top);
    await page.screenshot({ path: `docs/screenshots/queue-phone-${scheme}.png` });
    await page.getByRole("tab", { name: "Error groups" }).click();
    const groups = page.getByRole("table", { name: "Error groups of document" });
    await expect(groups).toContainText("TimeoutError");
    await page.getByLabel("Filter error groups").evaluate(top);
    await page.screenshot({ path: `docs/screenshots/groups-phone-${scheme}.png` });
    await page.getByRole("tab", { name: "Dead letters" }).click();
    await page.getByRole("button", { name: "Details of message 2", exact: true }).click();
    await expect(page.getByRole("dialog")).toBeVisible();
    await page.screenshot({ path: `docs/screenshots/drawer-phone-${scheme}.png` });
  });
}
