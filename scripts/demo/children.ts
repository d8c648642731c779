import { spawn, type ChildProcess } from "node:child_process";
import { waitForHealth } from "../http-client";
import { ROOT } from "../production-build";
import { killOnExit, stopGroup } from "../processes";
import { eachLine, log } from "./lines";

/**
 * The demo's child processes: the retry worker service and the dashboard
 * (`next start` through scripts/start.mjs). Each runs in its own process
 * group, so that Ctrl-C reaches the demo only and it stops them in order.
 */
export interface Child {
  name: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

function startChild(name: string, args: string[], env: NodeJS.ProcessEnv): Child {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  const undo = killOnExit(child);
  return {
    name,
    process: child,
    async stop() {
      await stopGroup(child);
      undo();
    },
  };
}

/** Due retries the worker promoted, etc., since the last take(): the 10-second report's line. */
export class WorkerTally {
  promoted = 0;
  recovered = 0;
  purged = 0;
  runs = 0;

  take(): string {
    const line =
      `worker: ${this.runs} runs, ${this.promoted} due retries promoted to their queues, ` +
      `${this.recovered} abandoned messages recovered, ${this.purged} expired DLQ entries purged`;
    this.promoted = this.recovered = this.purged = this.runs = 0;
    return line;
  }
}

const sum = (counts: Record<string, number> | undefined) =>
  Object.values(counts ?? {}).reduce((a, b) => a + b, 0);

interface WorkerLine {
  level?: string;
  msg: string;
  promoted?: Record<string, number>;
  recovered?: Record<string, number>;
  purged?: Record<string, number>;
  errors?: string[];
}

/** The worker's JSON log: its runs go into the tally; anything else is shown. */
function onWorkerLine(tally: WorkerTally, line: string): void {
  let entry: WorkerLine;
  try {
    entry = JSON.parse(line) as WorkerLine;
  } catch {
    return log("worker", line);
  }
  if (entry.msg !== "retry worker run" || (entry.errors?.length ?? 0) > 0) {
    log("worker", entry.errors?.length ? `${entry.msg}: ${entry.errors.join("; ")}` : entry.msg);
  }
  if (entry.msg === "retry worker run") {
    tally.runs++;
    tally.promoted += sum(entry.promoted);
    tally.recovered += sum(entry.recovered);
    tally.purged += sum(entry.purged);
  }
}

export function startWorker(env: NodeJS.ProcessEnv, tally: WorkerTally): Child {
  const child = startChild(
    "worker",
    ["--import", "tsx", "--conditions=react-server", "scripts/worker.ts"],
    env,
  );
  eachLine(child.process.stdout, (line) => onWorkerLine(tally, line));
  eachLine(child.process.stderr, (line) => log("worker", line));
  return child;
}

export interface Dashboard extends Child {
  /** What it printed lately, for an error message if it does not come up. */
  output(): string;
}

export function startDashboard(port: number, env: NodeJS.ProcessEnv): Dashboard {
  const child = startChild("dashboard", ["scripts/start.mjs", "-p", String(port)], env);
  const recent: string[] = [];
  const onLine = (line: string) => {
    recent.push(line);
    if (recent.length > 40) recent.shift();
    log("dashboard", line);
  };
  eachLine(child.process.stdout, onLine);
  eachLine(child.process.stderr, onLine);
  return { ...child, output: () => recent.join("\n") };
}

/** Resolves once GET /api/health answers 200 (Redis connected); throws if the dashboard exits or 60 s pass. */
export function dashboardReady(url: string, child: Dashboard): Promise<void> {
  return waitForHealth(url, {
    exited: () => child.process.exitCode !== null || child.process.signalCode !== null,
    output: child.output,
  });
}
