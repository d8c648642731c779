import "server-only";
import { writeFile } from "node:fs/promises";

/**
 * The worker's liveness for an orchestrator (REDRIVE_WORKER_ALIVE_FILE): a
 * file rewritten on a timer with the time and the promise of the next write,
 * which `redrive.mjs health` checks. It proves the process and its event
 * loop run, not that Redis answers: a worker restarted during a Redis outage
 * would gain nothing, and the dashboard already shows a worker whose
 * heartbeat in Redis stops.
 */
export interface AliveStamp {
  /** Unix seconds of this write. */
  at: number;
  /** Seconds until the next write is due. */
  everySeconds: number;
}

/** Writes the stamp now and every `everySeconds` until `signal` aborts; write errors are reported, not thrown. */
export function keepAliveFile(
  path: string,
  everySeconds: number,
  signal: AbortSignal,
  onError: (error: unknown) => void,
): void {
  const write = () => {
    const stamp: AliveStamp = { at: Date.now() / 1000, everySeconds };
    writeFile(path, JSON.stringify(stamp)).catch(onError);
  };
  write();
  const timer = setInterval(write, everySeconds * 1000);
  timer.unref();
  signal.addEventListener("abort", () => clearInterval(timer), { once: true });
}
