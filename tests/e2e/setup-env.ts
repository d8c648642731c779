/** What global-setup.ts hands the tests (through the environment) and the test users. */
export const PASSWORD = "e2e-password-1";
export const ADMIN_STATE = "tests/e2e/.state/admin.json";
export const VIEWER_STATE = "tests/e2e/.state/viewer.json";
/** An admin of the document and audio queues only (roles per queue). */
export const TEAM_STATE = "tests/e2e/.state/team.json";

export function e2eEnv(): { baseUrl: string; redisUrl: string; redisPort: number } {
  const baseUrl = process.env.E2E_BASE_URL;
  const redisUrl = process.env.E2E_REDIS_URL;
  if (!baseUrl || !redisUrl) throw new Error("Run the browser tests with `npx playwright test`");
  return { baseUrl, redisUrl, redisPort: Number(new URL(redisUrl).port) };
}
