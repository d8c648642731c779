import { spawn, type ChildProcess } from "node:child_process";

/** A running `npm run worker`, with everything it logged so far (stdout and stderr). */
export interface WorkerProcess {
  child: ChildProcess;
  log(): string;
  exited: Promise<number | null>;
}

/** Starts `scripts/worker.ts` as `npm run worker` does, with `env` over this process's. */
export function startWorkerProcess(env: Record<string, string>): WorkerProcess {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "--conditions=react-server", "scripts/worker.ts"],
    { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] },
  );
  let out = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((res) => child.on("exit", res));
  return { child, log: () => out, exited };
}
