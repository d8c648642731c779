import { performance } from "node:perf_hooks";
import Redis from "ioredis";
import { loadConfig, type Config } from "../../lib/config";
import { QueueEngine } from "../../lib/queues/engine";
import { oneServer } from "../../lib/redis/client";
import { createRedis } from "../../lib/redis/connection";
import { freePort, startEmbeddedRedis, type EmbeddedRedis } from "../../scripts/embedded-redis";
import { makeCertificates, tlsEnv, tlsServerArgs } from "../../scripts/tls-certs";
import { readFileSync } from "node:fs";
import { PingMonitor } from "./ping";
import { raisePriority, RAISED_NICE } from "./priority";
import { cpuMs } from "./process";

/**
 * One benchmark's own redis-server (never REDIS_URL: a shared server would
 * measure someone else's load), a Redrive engine on it and the PING monitor.
 */
export interface BenchServer {
  server: EmbeddedRedis;
  /** Plain TCP: the peers' and the PING monitor's way in. */
  url: string;
  /** What a Redrive process needs to reach it: REDIS_URL, and with BENCH_REDIS_TLS=1 the TLS files. */
  redriveEnv: Record<string, string>;
  host: string;
  port: number;
  redis: Redis;
  config: Config;
  engine: QueueEngine;
  ping: PingMonitor;
  redisVersion: string;
  /** Which processes run at a raised priority (priority.ts), for the report's environment. */
  priority: string;
  /** Empties the server (synchronously) before a scenario. */
  flush(): Promise<void>;
  stop(): Promise<void>;
}

export async function startBenchServer(queues = "document"): Promise<BenchServer> {
  const bin = process.env.REDIS_SERVER_BIN || "redis-server";
  const { server, redriveEnv, transport } = await startServer(bin);
  const redisRaised = raisePriority(server.process.pid);
  const config = loadConfig({ NODE_ENV: "production", QUEUES: queues, ...redriveEnv });
  const redis = oneServer(createRedis(undefined, { maxRetriesPerRequest: 1 }, config));
  const engine = new QueueEngine(redis, config);
  const ping = await PingMonitor.start(server.url);
  const info = await redis.info("server");
  const version = /redis_version:(\S+)/.exec(info)?.[1] ?? "unknown";
  const redisVersion = transport ? `${version} (${transport})` : version;
  return {
    server,
    url: server.url,
    redriveEnv,
    host: "127.0.0.1",
    port: server.port,
    redis,
    config,
    engine,
    ping,
    redisVersion,
    priority:
      redisRaised && ping.raised
        ? `redis-server and the PING monitor at nice ${RAISED_NICE}`
        : "not raised (not permitted): worst PING includes the scheduler's delays",
    async flush() {
      await redis.flushall("SYNC");
    },
    async stop() {
      await ping.close();
      redis.disconnect();
      await server.stop();
    },
  };
}

/**
 * The server, plain or (BENCH_REDIS_TLS=1) also on a TLS port that asks for
 * client certificates, made by openssl for this run: Redrive's own clients
 * (the engine here, a dashboard started with redriveEnv) then go over TLS, so
 * its cost shows in the figures; the peers and the PING monitor stay on plain TCP.
 */
async function startServer(bin: string) {
  if (process.env.BENCH_REDIS_TLS !== "1") {
    const server = await startEmbeddedRedis(bin);
    return { server, redriveEnv: { REDIS_URL: server.url }, transport: null };
  }
  const { dir, files } = makeCertificates();
  const tlsPort = await freePort();
  const server = await startEmbeddedRedis(bin, tlsServerArgs(dir, files, tlsPort));
  const redriveEnv = tlsEnv(`rediss://127.0.0.1:${tlsPort}`, files);
  return { server, redriveEnv, transport: "Redrive's clients over TLS" };
}

/** Where a phase's time went, and how long Redis was held by one command. */
export interface CpuSplit {
  /** Event-loop active time of this process's main thread (JS, parsing, encoding). */
  nodeBusyMs: number;
  /** CPU time of redis-server's main thread (commands and Lua). */
  redisCpuMs: number;
  /** The longest single command (a whole script counts as one), from SLOWLOG. */
  longestCommandMs: number;
  /**
   * How long redis-server's main thread was ready to run but kept off a CPU
   * (Linux schedstat run delay): time a client waited that no command spent.
   */
  redisWaitMs: number;
  /** Per command (top level and inside scripts): calls and server time, from INFO commandstats. */
  commands: Record<string, { calls: number; usecPerCall: number; usec: number }>;
  /** CPU time of this process's main thread (/proc/self/task/<pid>/stat; 10 ms ticks). */
  nodeMainCpuMs: number;
  /** CPU time of this whole process (process.cpuUsage: every thread, the PING monitor's too). */
  nodeProcessCpuMs: number;
  /** Bytes redis-server read from and wrote to all its clients (INFO stats; PINGs included). */
  netInputBytes: number;
  netOutputBytes: number;
  /** used_memory (INFO memory) when the phase started, bytes. */
  usedMemoryBytes: number;
}

async function infoFields(redis: Redis, section: string): Promise<(name: string) => number> {
  const info = await redis.info(section);
  return (name) => Number(new RegExp(`${name}:(\\d+)`).exec(info)?.[1] ?? NaN);
}

/** User + system CPU of this process's main thread so far, ms (NaN where /proc is missing). */
function mainThreadCpuMs(): number {
  try {
    return cpuMs(process.pid, `/proc/self/task/${process.pid}/stat`);
  } catch {
    return NaN;
  }
}

async function redisCpuMs(redis: Redis): Promise<number> {
  const info = await redis.info("cpu");
  const field = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? NaN);
  const main = field("used_cpu_user_main_thread") + field("used_cpu_sys_main_thread");
  // Before Redis 7 only the process totals exist.
  return (Number.isNaN(main) ? field("used_cpu_user") + field("used_cpu_sys") : main) * 1000;
}

/** A thread's time spent runnable but waiting for a CPU, ms (0 where /proc does not say). */
function runDelayMs(pid: number): number {
  try {
    const [, delayNs] = readFileSync(`/proc/${pid}/task/${pid}/schedstat`, "utf8").split(" ");
    return Number(delayNs) / 1e6 || 0;
  } catch {
    return 0;
  }
}

/** Commands slower than this go to SLOWLOG during a phase. */
const SLOWLOG_MICROS = 1000;

/**
 * Starts counting (resets SLOWLOG and INFO commandstats); the returned function
 * stops and gives the split. Call it outside the timed part: it costs round trips.
 */
export async function cpuSplit(redis: Redis): Promise<() => Promise<CpuSplit>> {
  await redis.config("SET", "slowlog-log-slower-than", String(SLOWLOG_MICROS));
  await redis.config("SET", "slowlog-max-len", "10000");
  await redis.slowlog("RESET");
  await redis.config("RESETSTAT");
  const usedMemoryBytes = (await infoFields(redis, "memory"))("used_memory");
  const netBefore = await infoFields(redis, "stats");
  const redisBefore = await redisCpuMs(redis);
  const pid = Number((await infoFields(redis, "server"))("process_id"));
  const waitBefore = runDelayMs(pid);
  const mainBefore = mainThreadCpuMs();
  const processBefore = process.cpuUsage();
  const eluBefore = performance.eventLoopUtilization();
  return async () => {
    const elu = performance.eventLoopUtilization(eluBefore);
    const processCpu = process.cpuUsage(processBefore);
    const mainAfter = mainThreadCpuMs();
    const redisAfter = await redisCpuMs(redis);
    const netAfter = await infoFields(redis, "stats");
    const net = (name: string) => netAfter(name) - netBefore(name);
    const slow = (await redis.slowlog("GET", 10000)) as [number, number, number, string[]][];
    const longest = slow
      .filter(([, , , args]) => !/^(config|slowlog|info)$/i.test(String(args[0])))
      .reduce((max, [, , micros]) => Math.max(max, micros), 0);
    const commands: CpuSplit["commands"] = {};
    const stats = await redis.info("commandstats");
    for (const m of stats.matchAll(
      /cmdstat_([\w|]+):calls=(\d+),usec=(\d+),usec_per_call=([\d.]+)/g,
    )) {
      if (/^(config|slowlog|info|ping)(\||$)/.test(m[1]!)) continue;
      commands[m[1]!] = { calls: Number(m[2]), usec: Number(m[3]), usecPerCall: Number(m[4]) };
    }
    return {
      nodeBusyMs: elu.active,
      redisCpuMs: redisAfter - redisBefore,
      redisWaitMs: runDelayMs(pid) - waitBefore,
      longestCommandMs: longest / 1000,
      commands,
      nodeMainCpuMs: mainAfter - mainBefore,
      nodeProcessCpuMs: (processCpu.user + processCpu.system) / 1000,
      netInputBytes: net("total_net_input_bytes"),
      netOutputBytes: net("total_net_output_bytes"),
      usedMemoryBytes,
    };
  };
}
