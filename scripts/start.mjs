#!/usr/bin/env node
/**
 * `npm start`: the production server (scripts/server.mjs: Next.js behind
 * Redrive's front layer) with a bounded V8 heap.
 *
 * Without a limit V8 sizes its heap from the machine's memory and lets a
 * long-running dashboard sit at 300+ MB of RSS; with 192 MB of old space the
 * same load runs at the same speed in about half that. Set
 * REDRIVE_MAX_HEAP_MB to change it, or put your own --max-old-space-size in
 * NODE_OPTIONS (it wins). Arguments are those of `next start` (-p, -H).
 */
import { spawn } from "node:child_process";
import { realpathSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";

export function serverEnv(env = process.env) {
  const production = { ...env, NODE_ENV: env.NODE_ENV ?? "production" };
  const own = env.NODE_OPTIONS ?? "";
  if (own.includes("--max-old-space-size")) return production;
  const mb = Number(env.REDRIVE_MAX_HEAP_MB ?? 192);
  return { ...production, NODE_OPTIONS: `${own} --max-old-space-size=${mb}`.trim() };
}

const SERVER = fileURLToPath(new URL("./server.mjs", import.meta.url));

/** Whether this file is the program (not imported): robust to spaces and symlinks in the path. */
function isMain() {
  try {
    return import.meta.url === pathToFileURL(realpathSync(process.argv[1] ?? "")).href;
  } catch {
    return false;
  }
}

/** Runs the server as a child with the bounded heap; exits when it does. */
export function runServer(args = process.argv.slice(2)) {
  const child = spawn(process.execPath, [SERVER, ...args], {
    stdio: "inherit",
    // The server exits when this process is gone (see exitWithParent in server.mjs).
    env: { ...serverEnv(), REDRIVE_PARENT_PID: String(process.pid) },
  });
  for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
  child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

if (isMain()) runServer();
