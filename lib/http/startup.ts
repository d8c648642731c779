import "server-only";
import { exitOnStartupProblems } from "../auth/startup";
import type { Config } from "../config";
import { behindFront } from "./front.mjs";

/**
 * The server's start-up check: the auth requirements, and in production the
 * front layer, without which client addresses, body bounds and security
 * headers would be missing.
 */
export function exitOnServerProblems(): void {
  exitOnStartupProblems((config: Config) =>
    config.NODE_ENV === "production" && !behindFront()
      ? [
          "start the dashboard with npm start (scripts/start.mjs): plain next start cannot know client addresses, bound request bodies or set the security headers",
        ]
      : [],
  );
}
