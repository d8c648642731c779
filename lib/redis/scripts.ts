import "server-only";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type { RedisClient } from "./client";
import type { ChainableCommander } from "ioredis";

/**
 * Loads lib/queues/lua/<name>-<numKeys>.lua as ioredis commands (BullMQ's
 * convention): the key count comes from the file name, so it cannot drift from
 * the script's header. `<name>-n.lua` takes any number of keys; runScript
 * passes the count.
 */
const LUA_DIR = join(/* turbopackIgnore: true */ process.cwd(), "lib", "queues", "lua");
const FILE = /^([a-zA-Z]+)-(\d+|n)\.lua$/;

/** The scripts in lib/queues/lua/, by the name before `-<numKeys>.lua` (a unit test keeps the two equal). */
export const SCRIPT_NAMES = [
  "promoteDue",
  "createTask",
  "claimTask",
  "progressTask",
  "promoteOne",
  "moveIndexed",
  "readOldest",
  "deleteMetadata",
  "moveTail",
  "requeueTail",
  "trimTail",
  "ack",
  "failToRetry",
  "failToDlq",
  "recoverStale",
  "readHashes",
  "pushSample",
  "loginAttempt",
  "updateSession",
  "readRange",
  "readAt",
  "appendAudit",
  "countDenial",
  "noteMaster",
  "renameKeys",
  "schemaStep",
  "forgiveLogin",
  "alertOutbox",
  "dlqProbe",
  "createToken",
  "findField",
] as const;

export type ScriptName = (typeof SCRIPT_NAMES)[number];

interface ScriptDef {
  name: ScriptName;
  /** undefined: variadic, the caller passes the key count first. */
  numberOfKeys: number | undefined;
  lua: string;
}

let loaded: ScriptDef[] | undefined;

function loadScripts(dir = LUA_DIR): ScriptDef[] {
  loaded ??= readdirSync(/* turbopackIgnore: true */ dir).flatMap((file) => {
    const m = FILE.exec(file);
    if (!m) return [];
    return [
      {
        name: m[1] as ScriptName,
        numberOfKeys: m[2] === "n" ? undefined : Number(m[2]),
        lua: readFileSync(/* turbopackIgnore: true */ `${dir}/${file}`, "utf8"),
      },
    ];
  });
  return loaded;
}

export interface ScriptOptions {
  /**
   * Loads each script under Redis 7's `#!lua` line, with which Redis Cluster
   * refuses a call that touches a key in another hash slot than its declared
   * keys: the tests run the engine so. Not in production, where a script with
   * that line would be refused whole while Redis is over maxmemory, deletes
   * included (a script without it is refused only at its first write).
   */
  strictKeys?: boolean;
}

export function defineScripts(redis: RedisClient, options: ScriptOptions = {}): void {
  for (const s of loadScripts()) {
    const lua = options.strictKeys ? `#!lua\n${s.lua}` : s.lua;
    redis.defineCommand(s.name, { lua, numberOfKeys: s.numberOfKeys });
  }
}

/**
 * Which scripts take their key count first, from the files themselves: a
 * bundler may give a module two instances (the server's start-up hook and
 * its routes), so nothing here may depend on defineScripts having run in this one.
 */
function isVariadic(name: ScriptName): boolean {
  return loadScripts().some((s) => s.name === name && s.numberOfKeys === undefined);
}

function callArgs(name: ScriptName, keys: string[], args: ScriptArg[]): ScriptArg[] {
  return isVariadic(name) ? [keys.length, ...keys, ...args] : [...keys, ...args];
}

export type ScriptArg = string | Buffer | number;
type ScriptFn = (...args: ScriptArg[]) => Promise<unknown>;
type PipelineFn = (...args: ScriptArg[]) => ChainableCommander;

/**
 * Runs one of the scripts defineScripts registered; keys first, as in EVALSHA.
 * With `buffers`, bulk strings in the reply come as Buffers (entries are bytes,
 * not necessarily UTF-8).
 */
export function runScript(
  redis: RedisClient,
  name: ScriptName,
  keys: string[],
  args: ScriptArg[],
  buffers = false,
): Promise<unknown> {
  const fn = (redis as unknown as Record<string, ScriptFn>)[buffers ? `${name}Buffer` : name];
  if (!fn) throw new Error(`Lua script ${name} is not loaded`);
  return fn.call(redis, ...callArgs(name, keys, args));
}

/** Queues a script call on a pipeline (replies arrive with the pipeline's exec). */
export function pipeScript(
  pipeline: ChainableCommander,
  name: ScriptName,
  keys: string[],
  args: ScriptArg[],
  buffers = false,
): ChainableCommander {
  const fn = (pipeline as unknown as Record<string, PipelineFn>)[buffers ? `${name}Buffer` : name];
  if (!fn) throw new Error(`Lua script ${name} is not loaded`);
  return fn.call(pipeline, ...callArgs(name, keys, args));
}
