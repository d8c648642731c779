import { defineConfig, devices } from "@playwright/test";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "./scripts/chromium";

/**
 * Browser tests: real Chromium (the system's, never a download) against the
 * production build served by `next start`, a real redis-server and a real
 * worker service, all started by tests/e2e/global-setup.ts. One worker: the
 * tests share that server and Redis.
 */
export default defineConfig({
  testDir: "tests/e2e",
  // The README's screenshots are made on request (npm run screenshots), not by every test run.
  testIgnore: process.env.SCREENSHOTS === "1" ? [] : ["**/screenshots.spec.ts"],
  globalSetup: "./tests/e2e/global-setup.ts",
  workers: 1,
  fullyParallel: false,
  timeout: 45_000,
  expect: { timeout: 10_000 },
  retries: 0,
  reporter: "list",
  use: {
    ...devices["Desktop Chrome"],
    viewport: { width: 1280, height: 900 },
    baseURL: process.env.E2E_BASE_URL,
    trace: "off",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: CHROMIUM_PATH,
      args: CHROMIUM_ARGS,
    },
  },
});
