import "server-only";
import { userOfCookies, type SessionUser } from "../auth/session";
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
