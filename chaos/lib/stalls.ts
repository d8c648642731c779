import { readdirSync, readFileSync } from "node:fs";
import Redis from "ioredis";

/**
 * What other clients of Redis feel while Redrive works, measured two ways: a
 * client that sends PING back to back (the longest answer is the longest
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

/** Starts a PING prober and empties the SLOWLOG; `stop()` says what both saw. */
export async function watchStalls(
  url: string,
  scripts: Map<string, string>,
): Promise<{ stop(): Promise<Stalls> }> {
  const admin = new Redis(url);
  await admin.config("SET", "slowlog-log-slower-than", String(SLOW_US));
  await admin.config("SET", "slowlog-max-len", "10000");
  await admin.slowlog("RESET");
  const probe = new Redis(url);
  let running = true;
  let pingMaxMs = 0;
  let pingsOver10 = 0;
  const pinging = (async () => {
    while (running) {
      const t = performance.now();
      await probe.ping();
      const ms = performance.now() - t;
      pingMaxMs = Math.max(pingMaxMs, ms);
      if (ms >= 10) pingsOver10++;
      await new Promise((r) => setTimeout(r, 2));
    }
  })();
  return {
    async stop() {
      running = false;
      await pinging;
      probe.disconnect();
      const log = (await admin.slowlog("GET", 10_000)) as [number, number, number, Buffer[]][];
      await admin.config("SET", "slowlog-log-slower-than", "10000");
      admin.disconnect();
      return { pingMaxMs, pingsOver10, ...summarise(log, scripts) };
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

/** The resident memory of a process group (a detached child and its children), bytes. */
export function groupRss(pgid: number): number {
  let bytes = 0;
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[2]) !== pgid) continue;
      bytes += Number(fields[21]) * 4096;
    } catch {
      // gone meanwhile
    }
  }
  return bytes;
}

/** Samples a process group's memory every 100 ms; `stop()` gives the peak, bytes. */
export function watchRss(pgid: number): { stop(): number } {
  let peak = groupRss(pgid);
  const timer = setInterval(() => (peak = Math.max(peak, groupRss(pgid))), 100);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, groupRss(pgid));
    },
  };
}
