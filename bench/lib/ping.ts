import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { raisePriority } from "./priority";

/** Latency of the PINGs sent during one measured phase, in milliseconds. */
export interface PingStats {
  count: number;
  worstMs: number;
  p99Ms: number;
  p50Ms: number;
  /** PINGs that took 10 ms or longer. */
  over10Ms: number;
}

type WorkerReply = { type: "ready" } | { type: "begun" } | { type: "stats"; stats: PingStats };

/**
 * A second Redis client that sends PING every 1 ms (the next one 1 ms after the
 * previous reply) for as long as the benchmark runs, from its own process, run
 * at a raised priority where it may be (see priority.ts): on a 2-core machine
 * the benchmark's own client would otherwise keep it off a CPU for
 * milliseconds, and that would count as Redis latency. begin()/end() delimit a
 * measured phase and return that phase's figures.
 */
export class PingMonitor {
  private constructor(
    private readonly worker: ChildProcess,
    /** Whether the monitor runs at the raised priority. */
    readonly raised: boolean,
  ) {}

  static async start(url: string): Promise<PingMonitor> {
    // Plain JS with no loader hooks: the process only needs ioredis.
    const worker = fork(fileURLToPath(new URL("./ping-worker.mjs", import.meta.url)), [url], {
      execArgv: [],
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    const monitor = new PingMonitor(worker, raisePriority(worker.pid));
    await monitor.next("ready");
    return monitor;
  }

  private next<T extends WorkerReply["type"]>(type: T): Promise<Extract<WorkerReply, { type: T }>> {
    return new Promise((resolve, reject) => {
      const onMessage = (msg: WorkerReply) => {
        if (msg.type !== type) return;
        this.worker.off("message", onMessage);
        this.worker.off("error", reject);
        this.worker.off("exit", onExit);
        resolve(msg as Extract<WorkerReply, { type: T }>);
      };
      const onExit = () => reject(new Error("the PING monitor exited"));
      this.worker.on("message", onMessage);
      this.worker.once("error", reject);
      this.worker.once("exit", onExit);
    });
  }

  async begin(): Promise<void> {
    const begun = this.next("begun");
    this.worker.send("begin");
    await begun;
  }

  async end(): Promise<PingStats> {
    const reply = this.next("stats");
    this.worker.send("end");
    return (await reply).stats;
  }

  /** Runs `fn` inside a window and returns its result, its wall time and the PING figures. */
  async measure<T>(fn: () => Promise<T>): Promise<{ result: T; ms: number; ping: PingStats }> {
    await this.begin();
    const t0 = performance.now();
    const result = await fn();
    const ms = performance.now() - t0;
    const ping = await this.end();
    return { result, ms, ping };
  }

  private closed?: Promise<void>;

  /** Stops the monitor; calling it again waits for the same stop. */
  close(): Promise<void> {
    this.closed ??= new Promise<void>((resolve) => {
      this.worker.once("exit", () => resolve());
      this.worker.send("close");
    });
    return this.closed;
  }
}
