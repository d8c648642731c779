import { setPriority } from "node:os";

/**
 * The nice value given to redis-server's main thread and to the PING monitor
 * where the benchmark may raise priorities (as root: the CI and this project's
 * machines). On a 2-core machine the benchmark's own client, Redis and the
 * monitor share two CPUs, and a thread of equal priority can keep Redis off a
 * CPU in the middle of a command for 10-40 ms (its run-queue wait, measured
 * from /proc) or hold the monitor's reply unread: the worst PING then says
 * more about the scheduler than about what Redis made a client wait. A
 * production Redis has CPUs of its own; priority gives it that here. Every
 * system measured shares the same redis-server, so each gets the same.
 */
export const RAISED_NICE = -10;

/** Raises a process's (or, on Linux, a thread's) priority; false when not permitted. */
export function raisePriority(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    setPriority(pid, RAISED_NICE);
    return true;
  } catch {
    return false;
  }
}
