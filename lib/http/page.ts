import "server-only";
import { userOfCookies, type SessionUser } from "../auth/session";
import { buildOverview } from "../metrics/overview";
import type { OverviewResponse } from "../metrics/types";
import { engineFor } from "./scope";
import { connected } from "./services";

/**
 * The user a dashboard page renders for. While Redis is unreachable a session
 * counts by its signed cookie alone, so the frame still renders and shows the
 * outage; every API call answers 503 until Redis is back.
 */
export async function pageUser(cookieHeader: string | null): Promise<SessionUser | null> {
  const { redis } = await connected();
  return userOfCookies(cookieHeader, redis, { whileRedisDown: true });
}

/**
 * How long a page waits for data it can render with. Past this the page is
 * sent without it and the browser asks the API as it would anyway, so that a
 * slow or stalled Redis never holds up the page itself.
 */
export const PAGE_DATA_MS = 400;

/**
 * The overview's data for the page's first render, as the API would answer
 * this user (their queues only), or undefined when it is not ready within
 * PAGE_DATA_MS or cannot be read: at a hundred queues the browser needs a
 * second to load, start and ask, and what needs attention should not wait.
 */
export async function overviewForPage(
  cookieHeader: string | null,
): Promise<OverviewResponse | undefined> {
  const user = await pageUser(cookieHeader).catch(() => null);
  if (!user) return undefined;
  const services = await connected();
  const ctx = engineFor({ ...services, user });
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(resolve, PAGE_DATA_MS, undefined);
  });
  try {
    return await Promise.race([buildOverview(ctx).catch(() => undefined), late]);
  } finally {
    clearTimeout(timer);
  }
}
