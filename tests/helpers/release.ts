import { spawn, type ChildProcess } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { killOnExit } from "@/scripts/processes";
import { assembleRelease } from "@/scripts/release.mjs";

/**
 * The release folder (`npm run release`, what the Dockerfile copies) in an
 * empty temporary folder, and its processes started from there as a
 * container would start them: `node scripts/redrive.mjs <command>`, with
 * nothing of this checkout's environment but PATH and what the test names.
 * As root, the processes run as an unprivileged uid over root-owned files, as
 * in the image.
 */
export const RUN_AS = process.getuid?.() === 0 ? { uid: 1000, gid: 1000 } : {};

export async function releaseFolder(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "redrive-release-"));
  // mkdtemp makes it private to its owner; the image's /app is world-readable.
  chmodSync(dir, 0o755);
  return (await assembleRelease(join(dir, "app"))) as string;
}

export interface ReleaseProcess {
  child: ChildProcess;
  output(): string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  /** Sends `signal` and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export function runRelease(
  folder: string,
  args: string[],
  env: Record<string, string>,
): ReleaseProcess {
  const child = spawn(process.execPath, ["scripts/redrive.mjs", ...args], {
    cwd: folder,
    // As the image sets them; the rest is the test's.
    env: {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: tmpdir(),
      NODE_ENV: "production",
      ...env,
    },
    stdio: ["pipe", "pipe", "pipe"],
    ...RUN_AS,
  });
  let output = "";
  child.stdout.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr.on("data", (d: Buffer) => (output += d.toString()));
  const undo = killOnExit(child);
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => {
      undo();
      resolve(code);
    }),
  );
  return {
    child,
    output: () => output,
    exited,
    stop: (signal = "SIGTERM") => {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** The files a running process has mapped (its code, native addons), from /proc. */
export function mappedFiles(pid: number): string[] {
  const lines = readFileSync(`/proc/${pid}/maps`, "utf8").split("\n");
  return [...new Set(lines.map((l) => l.split(/\s+/)[5] ?? "").filter((p) => p.startsWith("/")))];
}

/** `pid` and its descendants. */
export function processTree(pid: number): number[] {
  const children = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8")
    .split(" ")
    .filter(Boolean)
    .map(Number);
  return [pid, ...children.flatMap(processTree)];
}

/** The top-level package names of a node_modules folder (scopes expanded). */
export function packagesIn(nodeModules: string): string[] {
  return readdirSync(nodeModules).flatMap((name) =>
    name.startsWith("@")
      ? readdirSync(join(nodeModules, name)).map((sub) => `${name}/${sub}`)
      : name.startsWith(".")
        ? []
        : [name],
  );
}
