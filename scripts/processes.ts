import type { ChildProcess } from "node:child_process";

/**
 * Stopping child processes started with `detached: true` (each its own
 * process group, so that a terminal's Ctrl-C reaches only the parent, which
 * then stops them in order). Used by the demo and the benchmarks.
 */

function signalGroup(child: ChildProcess, sig: NodeJS.Signals): void {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, sig);
  } catch {
    // already gone
  }
}

/** SIGTERM to the child's group, SIGKILL after `graceMs` if it is still there. */
export async function stopGroup(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  signalGroup(child, "SIGTERM");
  const timer = setTimeout(() => signalGroup(child, "SIGKILL"), graceMs);
  await exited;
  clearTimeout(timer);
}

/** SIGKILLs the child's group when this process exits, however it ends; returns the undo. */
export function killOnExit(child: ChildProcess): () => void {
  const kill = () => signalGroup(child, "SIGKILL");
  process.once("exit", kill);
  return () => process.removeListener("exit", kill);
}
