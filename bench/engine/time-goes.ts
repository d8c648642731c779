import { Count, printTable, type Cell } from "../lib/table";
import type { DrainRow } from "./drains";

/**
 * "Where the time goes" in a drain, for explaining why its figure moves
 * between machines: per message, the wall time against each side's CPU (this
 * process's main thread, redis-server's main thread) and what is left over
 * (neither side busy: round trips, wake-ups, a CPU taken by someone else), and
 * the shape of the traffic (script calls and their size, commands in flight,
 * bytes each way, what the moved data weighs).
 */

const perMsg = (r: DrainRow, ms: number) => (ms * 1000) / r.messages;

/** Server time of the scripts (EVALSHA and EVAL: everything inside them included). */
function scripts(r: DrainRow): { calls: number; usec: number } {
  const s = [r.cpu.commands.evalsha, r.cpu.commands.eval].filter((c) => c !== undefined);
  return {
    calls: s.reduce((a, c) => a + c.calls, 0),
    usec: s.reduce((a, c) => a + c.usec, 0),
  };
}

export function timeJson(r: DrainRow) {
  const s = scripts(r);
  return {
    wallMicrosPerMsg: perMsg(r, r.ms),
    nodeEventLoopBusyMicrosPerMsg: perMsg(r, r.cpu.nodeBusyMs),
    nodeMainThreadCpuMicrosPerMsg: perMsg(r, r.cpu.nodeMainCpuMs),
    nodeProcessCpuMicrosPerMsg: perMsg(r, r.cpu.nodeProcessCpuMs),
    redisMainThreadCpuMicrosPerMsg: perMsg(r, r.cpu.redisCpuMs),
    neitherBusyMicrosPerMsg: perMsg(r, r.ms - r.cpu.nodeBusyMs - r.cpu.redisCpuMs),
    redisShareOfWall: r.cpu.redisCpuMs / r.ms,
    scriptCalls: s.calls,
    messagesPerScriptCall: s.calls > 0 ? r.messages / s.calls : null,
    scriptServerMicrosPerCall: s.calls > 0 ? s.usec / s.calls : null,
    scriptServerMicrosPerMsg: s.usec / r.messages,
    commandsSentPerMsg: r.tap.commands / r.messages,
    commandsSent: r.tap.byName,
    maxCommandsInFlight: r.tap.maxInFlight,
    meanCommandsInFlight: r.tap.meanInFlight,
    bytesToRedisPerMsg: r.cpu.netInputBytes / r.messages,
    bytesFromRedisPerMsg: r.cpu.netOutputBytes / r.messages,
    entryBytes: r.entryBytes,
    storedBytesPerMsg: r.storedBytesPerMessage,
    usedMemoryMbAtStart: r.cpu.usedMemoryBytes / 2 ** 20,
    serverMicrosPerMsgByCommand: Object.fromEntries(
      Object.entries(r.cpu.commands).map(([k, c]) => [k, c.usec / r.messages]),
    ),
  };
}

function timeCells(r: DrainRow): Cell[] {
  const t = timeJson(r);
  return [
    r.system,
    r.messages,
    t.wallMicrosPerMsg,
    t.nodeEventLoopBusyMicrosPerMsg,
    t.nodeMainThreadCpuMicrosPerMsg,
    t.nodeProcessCpuMicrosPerMsg,
    t.redisMainThreadCpuMicrosPerMsg,
    t.scriptServerMicrosPerMsg,
    t.neitherBusyMicrosPerMsg,
    t.redisShareOfWall,
  ];
}

function shapeCells(r: DrainRow): Cell[] {
  const t = timeJson(r);
  return [
    r.system,
    new Count(t.scriptCalls),
    t.messagesPerScriptCall,
    t.scriptServerMicrosPerCall === null ? null : t.scriptServerMicrosPerCall / 1000,
    r.cpu.longestCommandMs,
    t.commandsSentPerMsg,
    new Count(t.maxCommandsInFlight),
    t.meanCommandsInFlight,
    t.bytesToRedisPerMsg,
    t.bytesFromRedisPerMsg,
    t.entryBytes,
    t.storedBytesPerMsg,
    t.usedMemoryMbAtStart,
  ];
}

/** The two tables, one row per drain (its median run). */
export function printWhereTimeGoes(rows: DrainRow[]): void {
  printTable(
    "b) Where the time goes, per message (µs; the median run of each; server times from INFO commandstats, " +
      "node CPU from /proc and process.cpuUsage, 'neither' = wall − node busy − redis CPU)",
    [
      "drain",
      "messages",
      "wall",
      "node busy (ELU)",
      "node main CPU",
      "node process CPU",
      "redis CPU",
      "  of which scripts",
      "neither",
      "redis share",
    ],
    rows.map(timeCells),
  );
  printTable(
    "b) Where the time goes: the calls (scripts = EVALSHA/EVAL; in flight = commands sent and not answered; " +
      "bytes = redis-server's network counters; stored = MEMORY USAGE of the list (Redrive) or a job hash (BullMQ))",
    [
      "drain",
      "script calls",
      "msgs/call",
      "ms/call (server)",
      "longest cmd ms",
      "cmds/msg",
      "max in flight",
      "mean in flight",
      "B to redis/msg",
      "B from redis/msg",
      "entry B",
      "stored B/msg",
      "used_memory MB",
    ],
    rows.map(shapeCells),
  );
}
