import type { Config } from "../../lib/config";
import { PROFILES } from "../../demo/traffic";
import type { DemoUser } from "./users";

/** What the demo prints once everything is up: where, who, what runs, how to stop. */
export interface BannerInfo {
  url: string;
  users: DemoUser[];
  redis: string;
  workerPid: number | undefined;
  dashboardPid: number | undefined;
  config: Config;
}

const ROLE_NOTE = { admin: "requeue, delete, purge", viewer: "read only" };

function backoffs(config: Config): string {
  const base = config.RETRY_BACKOFF_BASE_SECONDS;
  const steps = Array.from({ length: config.MAX_RETRY_ATTEMPTS }, (_, i) => `${base * 2 ** i} s`);
  return steps.length > 0 ? `retries after ${steps.join(", ")}` : "no retries";
}

export function banner(info: BannerInfo): string {
  const { config } = info;
  const rate = config.QUEUES.reduce((sum, q) => sum + (PROFILES[q]?.rate ?? 2), 0);
  const width = Math.max(...info.users.map((u) => u.name.length));
  const users = info.users.map(
    (u, i) =>
      `${i === 0 ? "  Sign in    " : "             "}${u.name.padEnd(width)}  ${u.password}   (${ROLE_NOTE[u.role]})`,
  );
  const rule = "─".repeat(72);
  return [
    "",
    rule,
    "  Redrive demo is running",
    "",
    `  Dashboard  ${info.url}`,
    ...users,
    "",
    `  Running    Redis: ${info.redis}`,
    `             retry worker service, pid ${info.workerPid} (${backoffs(config)}; runs every ${config.RETRY_WORKER_INTERVAL_SECONDS} s;`,
    `               metrics sampled every ${config.METRICS_SAMPLE_SECONDS} s)`,
    `             traffic simulator: producers and consumers for ${config.QUEUES.join(", ")}`,
    `               (~${Math.round(rate)} msg/s with waves, bursts and incidents), an app reading through the cache`,
    `             dashboard: npm start (the production build behind its front layer), pid ${info.dashboardPid}`,
    `             an on-call "${info.users[0]!.name}" who requeues or deletes a DLQ message every ~30 s (audited)`,
    "",
    "  Stop       Ctrl-C stops everything the demo started",
    rule,
    "",
  ].join("\n");
}
