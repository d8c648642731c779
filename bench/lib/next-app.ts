import { spawn } from "node:child_process";
import { hashPassword } from "../../lib/auth/users";
import { ensureProductionBuild as buildIfStale, ROOT } from "../../scripts/production-build";
import { freePort, killOnExit, listeningPid, stopGroup } from "./process";
import { logIn, waitForHealth } from "../../scripts/http-client";

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
  /** Logs in once more: another session's Cookie header (another browser). */
  newSession(): Promise<string>;
  /** What the server printed, for error messages. */
  output(): string;
  stop(): Promise<void>;
}

/** The session secret of the benchmark's server (exported for timing next-auth's JWT work). */
export const NEXTAUTH_SECRET = "redrive-bench-secret-redrive-bench-secret";
const USER = "admin";
const PASSWORD = "redrive-bench-password";

/** `next start` on a free port, healthy and logged in. */
export async function startNextApp(
  redriveEnv: Record<string, string>,
  queues: string[],
): Promise<NextApp> {
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
        ...redriveEnv,
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
    await waitForHealth(url, { exited: () => child.exitCode !== null, output: () => output });
    const serverPid = listeningPid(port, child.pid!);
    if (serverPid === null) throw new Error(`no process of next start listens on ${port}`);
    const cookie = await logIn(url, USER, PASSWORD);
    return {
      url,
      port,
      launcherPid: child.pid!,
      serverPid,
      cookie,
      newSession: () => logIn(url, USER, PASSWORD),
      output: () => output,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
