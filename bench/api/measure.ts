import { performance } from "node:perf_hooks";
import type Redis from "ioredis";
import { load, type Autocannon, type LoadRun } from "../lib/autocannon";
import { openLoop } from "../lib/open-loop";
import { cpuMs, memoryMb } from "../lib/process";
import { cpuSplit } from "../lib/server";
import { Count, type Cell } from "../lib/table";
import { CONNECTIONS } from "./shared";

/** One measured autocannon run, and where the serving process and its Redis spent their time. */

/** A system under load: where it listens, which process serves it, which Redis it uses. */
export interface System {
  name: string;
  pid: number;
  redis: Redis;
  headers: Record<string, string>;
}

export interface Measured {
  label: string;
  system: string;
  path: string;
  run: LoadRun;
  /** CPU time of the serving process per response (all its threads). */
  serverCpuMsPerReq: number;
  /** Share of one core the serving process used during the window. */
  serverCores: number;
  /** redis-server main-thread CPU per response. */
  redisCpuUsPerReq: number;
  /** Redis commands per response (INFO commandstats, top level and inside scripts). */
  redisCommandsPerReq: number;
  /** Server time per call of selected commands (µs), from INFO commandstats. */
  commandUs: Record<string, number>;
  /** Event-loop utilisation of this process (the load generator) during the window. */
  loadGenBusy: number;
  /** The serving process's RSS right after the window, MB. */
  rssMbAfter: number;
}

export interface Runner {
  autocannon: Autocannon;
  warmupS: number;
  measureS: number;
}

/**
 * A warm-up, then the measured run: closed loops (autocannon), or with `rate`
 * an open loop at that many evenly spaced requests per second (open-loop.ts).
 */
export async function measure(
  r: Runner,
  sys: System,
  label: string,
  url: string,
  path: string,
  rate?: number,
): Promise<Measured> {
  const loadFor = (seconds: number) =>
    rate === undefined
      ? load(r.autocannon, url + path, CONNECTIONS, seconds, sys.headers)
      : openLoop({
          url: url + path,
          rate,
          seconds,
          connections: CONNECTIONS,
          headers: sys.headers,
        });
  await loadFor(r.warmupS);
  const stopSplit = await cpuSplit(sys.redis);
  const cpu0 = cpuMs(sys.pid);
  const t0 = performance.now();
  const run = await loadFor(r.measureS);
  const wallMs = performance.now() - t0;
  const cpu1 = cpuMs(sys.pid);
  const split = await stopSplit();
  const n = Math.max(1, run.requests);
  const calls = Object.values(split.commands).reduce((sum, c) => sum + c.calls, 0);
  const commandUs = Object.fromEntries(
    Object.entries(split.commands)
      .filter(([name]) => /^(lrange|llen|hscan|hgetall|evalsha|zrange|zrevrange|zcard)$/.test(name))
      .map(([name, c]) => [name, c.usecPerCall]),
  );
  const m: Measured = {
    label,
    system: sys.name,
    path,
    run,
    serverCpuMsPerReq: (cpu1 - cpu0) / n,
    serverCores: (cpu1 - cpu0) / wallMs,
    redisCpuUsPerReq: (split.redisCpuMs * 1000) / n,
    redisCommandsPerReq: calls / n,
    commandUs,
    loadGenBusy: split.nodeBusyMs / wallMs,
    rssMbAfter: memoryMb(sys.pid).rssMb,
  };
  console.log(
    `  ${label}: ${run.reqPerSec.toFixed(0)} req/s, p50 ${run.p50Ms.toFixed(1)} ms, ` +
      `p99 ${run.p99Ms.toFixed(1)} ms, non-2xx ${run.non2xx}, errors ${run.errors}`,
  );
  return m;
}

/** Responses that were not a 200 (autocannon's non-2xx, and anything else), errors and timeouts. */
export function bad(m: Measured): number {
  return Math.max(m.run.non2xx, m.run.not200) + m.run.errors + m.run.timeouts;
}

export const HEADER = [
  "system",
  "req/s",
  "p50 ms",
  "p99 ms",
  "max ms",
  "requests",
  "non-2xx",
  "errors",
  "KB/resp",
  "server CPU ms/req",
  "server cores",
  "Redis µs/req",
  "Redis cmds/req",
  "loadgen busy %",
  "RSS after MB",
];

export function cells(m: Measured): Cell[] {
  return [
    m.label,
    m.run.reqPerSec,
    m.run.p50Ms,
    m.run.p99Ms,
    m.run.maxMs,
    new Count(m.run.requests),
    new Count(m.run.non2xx),
    new Count(m.run.errors + m.run.timeouts),
    m.run.bytesPerResponse / 1024,
    m.serverCpuMsPerReq,
    m.serverCores,
    m.redisCpuUsPerReq,
    m.redisCommandsPerReq,
    m.loadGenBusy * 100,
    m.rssMbAfter,
  ];
}

export function runJson(m: Measured) {
  return {
    path: m.path,
    reqPerSec: m.run.reqPerSec,
    p50Ms: m.run.p50Ms,
    p99Ms: m.run.p99Ms,
    maxMs: m.run.maxMs,
    meanMs: m.run.meanMs,
    requests: m.run.requests,
    seconds: m.run.seconds,
    non2xx: m.run.non2xx,
    not200: m.run.not200,
    errors: m.run.errors,
    timeouts: m.run.timeouts,
    statusCodes: m.run.statusCodes,
    bytesPerResponse: m.run.bytesPerResponse,
    serverCpuMsPerReq: m.serverCpuMsPerReq,
    serverCores: m.serverCores,
    redisCpuUsPerReq: m.redisCpuUsPerReq,
    redisCommandsPerReq: m.redisCommandsPerReq,
    redisCommandUsPerCall: m.commandUs,
    loadGenBusy: m.loadGenBusy,
    rssMbAfter: m.rssMbAfter,
  };
}
