import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";

/** Latency of the PINGs sent during one measured phase, in milliseconds. */
export interface PingStats {
  count: number;
  worstMs: number;
  p99Ms: number;
  p50Ms: number;
}

type WorkerReply = { type: "ready" } | { type: "begun" } | { type: "stats"; stats: PingStats };

/**
 * A second Redis client that sends PING every 1 ms (the next one 1 ms after the
 * previous reply) for as long as the benchmark runs, from its own thread.
 * begin()/end() delimit a measured phase and return that phase's figures.
 */
export class PingMonitor {
  private constructor(private readonly worker: Worker) {}

  static async start(url: string): Promise<PingMonitor> {
    // Plain JS with no loader hooks: the thread only needs ioredis.
    const worker = new Worker(fileURLToPath(new URL("./ping-worker.mjs", import.meta.url)), {
      workerData: { url },
      execArgv: [],
    });
    const monitor = new PingMonitor(worker);
    await monitor.next("ready");
    return monitor;
  }

  private next<T extends WorkerReply["type"]>(type: T): Promise<Extract<WorkerReply, { type: T }>> {
    return new Promise((resolve, reject) => {
      const onMessage = (msg: WorkerReply) => {
        if (msg.type !== type) return;
        this.worker.off("message", onMessage);
        this.worker.off("error", reject);
        resolve(msg as Extract<WorkerReply, { type: T }>);
      };
      this.worker.on("message", onMessage);
      this.worker.once("error", reject);
    });
  }

  async begin(): Promise<void> {
    const begun = this.next("begun");
    this.worker.postMessage("begin");
    await begun;
  }

  async end(): Promise<PingStats> {
    const reply = this.next("stats");
    this.worker.postMessage("end");
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
      this.worker.postMessage("close");
    });
    return this.closed;
  }
}
