import type { BullConnection } from "../lib/bullmq";
import type { PingStats } from "../lib/ping";
import { cpuSplit, type BenchServer, type CpuSplit } from "../lib/server";
import type { Target } from "../lib/summary";
import { Count, printTable } from "../lib/table";

/** What every engine scenario shares: the queue, the sizes, a measured phase and its table row. */

export const QUEUE = "document";

export interface Sizes {
  promote: number;
  onePerCallMax: number;
  onePerCallFallback: number;
  dlq: number;
  /** Redrive's DLQ where it is compared with BullMQ's failed jobs (as many of each). */
  compare: number;
  bullmqFailed: number;
  middle: number;
  reps: number;
  /** Repetitions of every throughput figure (--runs): the median is reported, the minimum beside it. */
  runs: number;
  /** Dead letters written for the memory-per-dead-letter figures. */
  memory: number;
  /** The rate of the rate-limited task run, messages per second. */
  taskRate: number;
}

export function sizes(scale: number, runs = 3): Sizes {
  const s = (n: number) => Math.max(10, Math.round(n * scale));
  return {
    promote: s(100_000),
    onePerCallMax: s(100_000),
    onePerCallFallback: s(20_000),
    dlq: s(1_000_000),
    compare: s(200_000),
    bullmqFailed: s(200_000),
    middle: s(500_000),
    reps: 5,
    runs,
    memory: s(20_000),
    taskRate: s(50_000),
  };
}

/** Budget for the one-per-call promoter: above it, stop at the fallback count. */

export interface Phase<T> {
  result: T;
  ms: number;
  ping: PingStats;
  cpu: CpuSplit;
}

/** Runs `fn` as a measured phase: wall time, PING window and where the CPU time went. */
export async function phase<T>(b: BenchServer, fn: () => Promise<T>): Promise<Phase<T>> {
  const stopCpu = await cpuSplit(b.redis);
  const { result, ms, ping } = await b.ping.measure(fn);
  return { result, ms, ping, cpu: await stopCpu() };
}

export function perSecond(count: number, ms: number): number {
  return count / (ms / 1000);
}

export function bullConnection(b: BenchServer): BullConnection {
  return { host: b.host, port: b.port, maxRetriesPerRequest: null };
}

export const seconds = (ms: number) => ms / 1000;

export interface Row {
  system: string;
  messages: number;
  ms: number;
  rate: number;
  ping: PingStats;
  cpu: CpuSplit;
  setupMs: number;
  note: string;
}

export function row(
  system: string,
  messages: number,
  p: Phase<unknown>,
  setupMs: number,
  note = "",
): Row {
  return {
    system,
    messages,
    ms: p.ms,
    rate: perSecond(messages, p.ms),
    ping: p.ping,
    cpu: p.cpu,
    setupMs,
    note,
  };
}

/** A row measured several times: the median run, every run's rate and the lowest of them. */
export type Repeated<R extends Row = Row> = R & { runs: number[]; minRate: number };

/**
 * Runs `fn` `runs` times on fresh data and reports the run with the median
 * rate, with the minimum rate beside it and the worst PING, longest command
 * and longest wait of Redis for a CPU over all runs (never the best).
 */
export async function repeated<R extends Row>(
  fn: () => Promise<R>,
  runs = 3,
): Promise<Repeated<R>> {
  const rows: R[] = [];
  for (let i = 0; i < runs; i++) rows.push(await fn());
  const byRate = [...rows].sort((a, b) => a.rate - b.rate);
  const mid = byRate[Math.floor(byRate.length / 2)]!;
  const worst = rows.reduce((w, r) => (r.ping.worstMs > w.ping.worstMs ? r : w));
  return {
    ...mid,
    ping: { ...mid.ping, worstMs: worst.ping.worstMs },
    cpu: {
      ...mid.cpu,
      longestCommandMs: Math.max(...rows.map((r) => r.cpu.longestCommandMs)),
      redisWaitMs: Math.max(...rows.map((r) => r.cpu.redisWaitMs)),
    },
    note: mid.note ? `median of ${runs}; ${mid.note}` : `median of ${runs}`,
    runs: rows.map((r) => r.rate),
    minRate: byRate[0]!.rate,
  };
}

/** The runs of repeated rows: median (the rate reported), minimum and every run, msg/s. */
export function printRuns(title: string, rows: Repeated[]): void {
  printTable(
    title,
    ["system", "runs", "median msg/s", "min msg/s", "min / median", "every run msg/s"],
    rows.map((r) => [
      r.system,
      new Count(r.runs.length),
      r.rate,
      r.minRate,
      r.minRate / r.rate,
      r.runs.map((x) => Math.round(x)).join(" "),
    ]),
  );
}

export function printRows(title: string, rows: Row[]): void {
  printTable(
    title,
    [
      "system",
      "messages",
      "time s",
      "msg/s",
      "PING worst ms",
      "PING p99 ms",
      "longest cmd ms",
      "node busy s",
      "redis CPU s",
      "setup s (untimed)",
      "note",
    ],
    rows.map((r) => [
      r.system,
      r.messages,
      seconds(r.ms),
      r.rate,
      r.ping.worstMs,
      r.ping.p99Ms,
      r.cpu.longestCommandMs,
      seconds(r.cpu.nodeBusyMs),
      seconds(r.cpu.redisCpuMs),
      seconds(r.setupMs),
      r.note,
    ]),
  );
}

export function rowJson(r: Row) {
  return {
    messages: r.messages,
    seconds: seconds(r.ms),
    msgPerSec: r.rate,
    pingWorstMs: r.ping.worstMs,
    pingP99Ms: r.ping.p99Ms,
    pingSamples: r.ping.count,
    longestRedisCommandMs: r.cpu.longestCommandMs,
    nodeBusySeconds: seconds(r.cpu.nodeBusyMs),
    redisCpuSeconds: seconds(r.cpu.redisCpuMs),
    setupSeconds: seconds(r.setupMs),
  };
}

export interface ScenarioResult {
  targets: Target[];
  results: Record<string, unknown>;
}
