import { spawn } from "node:child_process";
import { join } from "node:path";
import { hashPassword } from "../../lib/auth/users";
import { freePort } from "../../scripts/embedded-redis";
import { waitForHealth } from "../../scripts/http-client";
import { killOnExit } from "../../scripts/processes";

/**
 * The dashboard as production runs it (`npm start`: scripts/start.mjs, the
 * production build), watched from outside through GET /api/health: what an
 * operator's uptime check, and the dashboard's banner, see during a fault.
 */

const ROOT = join(__dirname, "..", "..");
/** The password of the dashboard's one user, `admin`. */
export const DASHBOARD_PASSWORD = "chaos password";

export interface Dashboard {
  url: string;
  /** Its process group (npm start and the server it runs). */
  pid: number;
  /** Health answers since `watch()` began: [ms since then, status] (0: no answer), oldest first. */
  watch(): void;
  answers(): [number, number][];
  /** What the server printed (its JSON log lines). */
  output(): string;
  stop(): Promise<void>;
}

async function dashboardEnv(
  url: string,
  redisUrl: string,
  queues: string,
  extra: Record<string, string>,
): Promise<NodeJS.ProcessEnv> {
  return {
    ...process.env,
    ...extra,
    NODE_ENV: "production" as const,
    NEXT_TELEMETRY_DISABLED: "1",
    REDIS_URL: redisUrl,
    QUEUES: queues,
    NEXTAUTH_URL: url,
    NEXTAUTH_SECRET: "chaos-secret-chaos-secret-chaos",
    REDRIVE_USERS: `admin:admin:${await hashPassword(DASHBOARD_PASSWORD)}`,
  };
}

/**
 * Polls GET /api/health every 250 ms into `answers` (when each answer came, and
 * its status; 0 for none within 10 s) until the returned stop is called.
 */
function watchHealth(url: string, answers: [number, number][]): () => void {
  const since = Date.now();
  const timer = setInterval(() => {
    void fetch(`${url}/api/health`, { signal: AbortSignal.timeout(10_000) }).then(
      (r) => answers.push([Date.now() - since, r.status]),
      () => answers.push([Date.now() - since, 0]),
    );
  }, 250);
  return () => clearInterval(timer);
}

/** `extra`: more of the environment (a Cluster's REDIS_CLUSTER_NODES, say). */
export async function startDashboard(
  redisUrl: string,
  queues: string,
  extra: Record<string, string> = {},
): Promise<Dashboard> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const args = ["scripts/start.mjs", "-p", String(port), "-H", "127.0.0.1"];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: await dashboardEnv(url, redisUrl, queues, extra),
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  const undo = killOnExit(child);
  let output = "";
  child.stdout!.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  await waitForHealth(url, { exited: () => child.exitCode !== null, output: () => output });
  const answers: [number, number][] = [];
  let unwatch = () => undefined as void;
  return {
    url,
    pid: child.pid!,
    watch: () => (unwatch = watchHealth(url, answers)),
    answers: () => [...answers].sort((a, b) => a[0] - b[0]),
    output: () => output,
    async stop() {
      unwatch();
      undo();
      if (child.exitCode === null) process.kill(-child.pid!, "SIGTERM");
      await exited;
    },
  };
}
