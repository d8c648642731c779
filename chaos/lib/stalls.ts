import Redis from "ioredis";
import { PingMonitor } from "../../bench/lib/ping";
import { memoryMb, processTree } from "../../bench/lib/process";

/**
 * What other clients of Redis feel while Redrive works, measured two ways: a
 * client that sends PING every millisecond (the longest answer is the longest
 * stall a producer or consumer saw), and Redis's own SLOWLOG of every command
 * that ran 10 ms or longer, by script name.
 */

export interface Stalls {
  /** The longest PING round trip, ms. */
  pingMaxMs: number;
  /** PINGs that took 10 ms or longer. */
  pingsOver10: number;
  /** Commands Redis logged at 10 ms or longer, and the longest of them, ms. */
  slowCommands: number;
  slowMaxMs: number;
  /** The slow commands by name (a script by its name), with their count and longest ms. */
  slowest: string;
  /** Every slow command's ms, by name. */
  byName: Record<string, number[]>;
}

const SLOW_US = 10_000;

/**
 * Starts the benchmarks' PING monitor (a process of its own at a raised
 * priority, bench/lib/ping.ts) and empties the SLOWLOG; `stop()` says what
 * both saw. `scripts`: sha1 → name, as the SLOWLOG names EVALSHA calls.
 */
export async function watchStalls(
  url: string,
  scripts: Map<string, string>,
): Promise<{ stop(): Promise<Stalls> }> {
  const admin = new Redis(url);
  await admin.config("SET", "slowlog-log-slower-than", String(SLOW_US));
  await admin.config("SET", "slowlog-max-len", "10000");
  await admin.slowlog("RESET");
  const monitor = await PingMonitor.start(url);
  await monitor.begin();
  return {
    async stop() {
      const ping = await monitor.end();
      await monitor.close();
      const log = (await admin.slowlog("GET", 10_000)) as [number, number, number, Buffer[]][];
      await admin.config("SET", "slowlog-log-slower-than", "10000");
      admin.disconnect();
      return { pingMaxMs: ping.worstMs, pingsOver10: ping.over10Ms, ...summarise(log, scripts) };
    },
  };
}

function nameOf(args: Buffer[], scripts: Map<string, string>): string {
  const command = String(args[0] ?? "").toLowerCase();
  if (command === "evalsha") return scripts.get(String(args[1])) ?? "evalsha";
  return command;
}

function summarise(log: [number, number, number, Buffer[]][], scripts: Map<string, string>) {
  const byName = new Map<string, { n: number; max: number }>();
  let slowMaxMs = 0;
  for (const [, , us, args] of log) {
    const name = nameOf(args, scripts);
    const s = byName.get(name) ?? { n: 0, max: 0 };
    s.n++;
    s.max = Math.max(s.max, us / 1000);
    byName.set(name, s);
    slowMaxMs = Math.max(slowMaxMs, us / 1000);
  }
  const slowest = [...byName]
    .sort((a, b) => b[1].max - a[1].max)
    .map(([name, s]) => `${name} ${s.n}× ≤${Math.round(s.max)} ms`)
    .join(", ");
  const durations: Record<string, number[]> = {};
  for (const [, , us, args] of log)
    (durations[nameOf(args, scripts)] ??= []).push(Math.round(us / 1000));
  return { slowCommands: log.length, slowMaxMs, slowest: slowest || "none", byName: durations };
}

/** The resident memory of a process and every process below it, bytes. */
function treeRss(root: number): number {
  return processTree(root).reduce((bytes, pid) => {
    try {
      const mb = memoryMb(pid).rssMb; // NaN for a process exiting meanwhile
      return Number.isFinite(mb) ? bytes + mb * 1024 * 1024 : bytes;
    } catch {
      return bytes; // gone meanwhile
    }
  }, 0);
}

/** Samples the memory of a process and its children every 100 ms; `stop()` gives the peak, bytes. */
export function watchRss(root: number): { stop(): number } {
  let peak = treeRss(root);
  const timer = setInterval(() => (peak = Math.max(peak, treeRss(root))), 100);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, treeRss(root));
    },
  };
}
