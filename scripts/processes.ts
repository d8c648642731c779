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

/** The children killOnExit still covers. */
const covered = new Set<ChildProcess>();

/**
 * SIGKILLs the child's group when this process exits, however it ends;
 * returns the undo. One exit listener covers every child, so that a run that
 * starts many (the chaos suite) adds no listener per child.
 */
export function killOnExit(child: ChildProcess): () => void {
  if (!process.listeners("exit").includes(killCovered)) {
    process.on("exit", killCovered);
  }
  covered.add(child);
  return () => void covered.delete(child);
}

function killCovered(): void {
  for (const child of covered) signalGroup(child, "SIGKILL");
}
