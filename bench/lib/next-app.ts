import { spawn, type ChildProcess } from "node:child_process";
import { hashPassword } from "../../lib/auth/users";
import { ensureProductionBuild as buildIfStale, ROOT } from "../../scripts/production-build";
import { freePort, killOnExit, listeningPid, stopGroup } from "./process";

/**
 * Redrive's dashboard as it runs in production: the `next build` output served
 * by `next start` on a free loopback port, against the benchmark's own Redis,
 * with one admin user, and a logged-in session for the load generator.
 */
export { ROOT };

/** The one copy of the build check, shared with the demo (scripts/production-build.ts). */
export function ensureProductionBuild(): number {
  return buildIfStale("[bench]");
}

export interface NextApp {
  url: string;
  port: number;
  /** The process `next start` became (the launcher). */
  launcherPid: number;
  /** The process that holds the listening socket: the one serving requests. */
  serverPid: number;
  /** The Cookie header of a logged-in admin session. */
  cookie: string;
  /** What the server printed, for error messages. */
  output(): string;
  stop(): Promise<void>;
}

/** The session secret of the benchmark's server (exported for timing next-auth's JWT work). */
export const NEXTAUTH_SECRET = "redrive-bench-secret-redrive-bench-secret";
const USER = "admin";
const PASSWORD = "redrive-bench-password";

async function waitForHealth(url: string, child: ChildProcess, output: () => string) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`next start exited:\n${output()}`);
    try {
      // 503 until the app's Redis connection is up: wait for 200.
      if ((await fetch(`${url}/api/health`)).status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`GET /api/health did not answer 200 within 60 s:\n${output()}`);
}

function cookiesOf(response: Response): string[] {
  return response.headers.getSetCookie().map((c) => c.split(";")[0]!);
}

/** Logs in as tests/helpers/app.ts login() does and returns the session cookie. */
async function login(url: string): Promise<string> {
  const csrf = await fetch(`${url}/api/auth/csrf`);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const res = await fetch(`${url}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      cookie: cookiesOf(csrf).join("; "),
    },
    body: new URLSearchParams({ csrfToken, username: USER, password: PASSWORD, json: "true" }),
  });
  const session = cookiesOf(res).find((c) => c.startsWith("next-auth.session-token="));
  if (!session) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  return session;
}

/** `next start` on a free port, healthy and logged in. */
export async function startNextApp(redisUrl: string, queues: string[]): Promise<NextApp> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const hash = await hashPassword(PASSWORD);
  let output = "";
  const child = spawn(
    process.execPath,
    ["scripts/start.mjs", "-p", String(port), "-H", "127.0.0.1"],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        NODE_ENV: "production",
        NEXT_TELEMETRY_DISABLED: "1",
        REDIS_URL: redisUrl,
        QUEUES: queues.join(","),
        NEXTAUTH_URL: url,
        NEXTAUTH_SECRET,
        REDRIVE_USERS: `${USER}:admin:${hash}`,
      },
      stdio: ["ignore", "pipe", "pipe"],
      // Its own process group, so that stopping it also stops anything it spawned.
      detached: true,
    },
  );
  const undoKill = killOnExit(child);
  child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
  const stop = async () => {
    await stopGroup(child);
    undoKill();
  };
  try {
    await waitForHealth(url, child, () => output);
    const serverPid = listeningPid(port, child.pid!);
    if (serverPid === null) throw new Error(`no process of next start listens on ${port}`);
    const cookie = await login(url);
    return {
      url,
      port,
      launcherPid: child.pid!,
      serverPid,
      cookie,
      output: () => output,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
