import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { hashPassword } from "../../lib/auth/users";
import { freePort, killOnExit, listeningPid, stopGroup } from "./process";

/**
 * Redrive's dashboard as it runs in production: the `next build` output served
 * by `next start` on a free loopback port, against the benchmark's own Redis,
 * with one admin user, and a logged-in session for the load generator.
 */
export const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** What a production build is made from: newer files here mean the build is stale. */
const SOURCES = ["app", "lib", "components", "proxy.ts", "instrumentation.ts", "next.config.js"];

function newestMtime(path: string): { ms: number; file: string } {
  if (!existsSync(path)) return { ms: 0, file: path };
  const st = statSync(path);
  if (!st.isDirectory()) return { ms: st.mtimeMs, file: path };
  let newest = { ms: 0, file: path };
  for (const entry of readdirSync(path)) {
    const n = newestMtime(join(path, entry));
    if (n.ms > newest.ms) newest = n;
  }
  return newest;
}

/** Runs `next build` when .next/BUILD_ID is missing or older than a source file; returns seconds spent. */
export function ensureProductionBuild(): number {
  const buildId = join(ROOT, ".next", "BUILD_ID");
  const built = existsSync(buildId) ? statSync(buildId).mtimeMs : 0;
  const newest = SOURCES.map((s) => newestMtime(join(ROOT, s))).reduce((a, b) =>
    b.ms > a.ms ? b : a,
  );
  if (built > 0 && built >= newest.ms) return 0;
  const why =
    built === 0
      ? ".next/BUILD_ID is missing"
      : `${newest.file.slice(ROOT.length)} is newer than .next/BUILD_ID`;
  console.log(`[bench] building the production app (next build): ${why}`);
  // next build expects production (an inherited "development" or "test" would be wrong here).
  const env = { ...process.env, NODE_ENV: "production" as const, NEXT_TELEMETRY_DISABLED: "1" };
  const t0 = performance.now();
  const res = spawnSync(process.execPath, ["node_modules/next/dist/bin/next", "build"], {
    cwd: ROOT,
    env,
    stdio: "inherit",
  });
  if (res.error) throw res.error;
  if (res.status !== 0) throw new Error(`next build exited with ${res.status ?? res.signal}`);
  return (performance.now() - t0) / 1000;
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
