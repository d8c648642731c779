import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { killOnExit } from "../../scripts/processes";

/**
 * The retry worker service (`npm run worker`) as its own process, the way it
 * runs in production, so that a fault can kill it at any moment.
 */

const ROOT = join(__dirname, "..", "..");

export interface WorkerProcess {
  readonly child: ChildProcess;
  /** Everything it printed on stdout (JSON log lines). */
  output(): string;
  /** Resolves once it printed a line containing `text`. */
  waitFor(text: string, timeoutMs?: number): Promise<void>;
  kill(sig?: NodeJS.Signals): Promise<void>;
}

export function startWorker(env: Record<string, string>): WorkerProcess {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "--conditions=react-server", "scripts/worker.ts"],
    {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    },
  );
  const undo = killOnExit(child);
  let out = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    child,
    output: () => out,
    async waitFor(text, timeoutMs = 30_000) {
      const until = Date.now() + timeoutMs;
      while (!out.includes(text)) {
        if (Date.now() > until || child.exitCode !== null) {
          throw new Error(`worker did not print ${text}:\n${out.slice(-2000)}`);
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async kill(sig = "SIGKILL") {
      undo();
      if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, sig);
      await exited;
    },
  };
}
