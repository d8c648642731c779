#!/usr/bin/env node
/**
 * The release's one command (the container image's entry point):
 *
 *   node scripts/redrive.mjs --version        Redrive's version (also after any command)
 *   node scripts/redrive.mjs dashboard        the dashboard (default), as `npm start`
 *   node scripts/redrive.mjs worker           the retry worker service, as `npm run worker`
 *   node scripts/redrive.mjs hash-password    a bcrypt hash for REDRIVE_USERS, from stdin
 *   node scripts/redrive.mjs redis-acl [user] the least-privilege Redis ACL line
 *   node scripts/redrive.mjs migrate [--dry-run] as `npm run migrate`
 *   node scripts/redrive.mjs migrate-keys ... as `npm run migrate-keys`
 *   node scripts/redrive.mjs simulate         the demo's traffic simulator (writes messages!)
 *   node scripts/redrive.mjs dlq|errors|find|retry|cache|tokens|audit ...
 *                                             the admin API with a token (REDRIVE_URL,
 *                                             REDRIVE_TOKEN): `redrive --help`
 *   node scripts/redrive.mjs health           the container's health check: a worker's alive
 *                                             file when REDRIVE_WORKER_ALIVE_FILE exists, else
 *                                             the dashboard's /api/health/live
 *
 * Runs from the folder that `npm run release` assembles, where the worker
 * and the tools are plain JavaScript in dist/ (no TypeScript loader).
 */
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const HERE = new URL("..", import.meta.url);
const TOOLS = ["worker", "hash-password", "redis-acl", "migrate", "migrate-keys", "simulate"];
/** The admin API's commands (scripts/cli/main.ts): `redrive dlq stats`, `redrive cache clear`, … */
const CLI = ["dlq", "errors", "find", "retry", "cache", "tokens", "audit"];

/**
 * The command line, with the whole argument list: compiled in dist/ in a
 * release folder; from its TypeScript source (through tsx) in the repository.
 */
async function runCli(argv) {
  process.argv = [process.argv[0], process.argv[1], ...argv];
  const compiled = new URL("dist/cli.mjs", HERE);
  if (existsSync(compiled)) return import(compiled.href);
  const { tsImport } = await import("tsx/esm/api");
  return tsImport("./cli/main.ts", import.meta.url);
}

/** The worker wrote its alive file (REDRIVE_WORKER_ALIVE_FILE) within three periods. */
function workerHealth(env = process.env) {
  const path = env.REDRIVE_WORKER_ALIVE_FILE;
  if (!path) return fail("REDRIVE_WORKER_ALIVE_FILE is not set");
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    return fail(`no alive file: ${error.code ?? error.message}`);
  }
  const age = Date.now() / 1000 - Number(stamp.at);
  const limit = 3 * Number(stamp.everySeconds) + 5;
  if (!(age <= limit)) return fail(`alive file is ${Math.round(age)} s old (limit ${limit} s)`);
  process.exit(0);
}

/** The dashboard's liveness route answers on this machine's port (PORT, else 3000). */
async function dashboardHealth(env = process.env) {
  const url = `http://127.0.0.1:${env.PORT ?? 3000}/api/health/live`;
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(4_000) });
    if (res.ok) process.exit(0);
    fail(`${url} answered ${res.status}`);
  } catch (error) {
    fail(`${url}: ${error.message}`);
  }
}

/**
 * One check for the image's HEALTHCHECK whichever command the container runs:
 * only a worker writes the alive file (the image names it in
 * REDRIVE_WORKER_ALIVE_FILE), so its presence says which process to check.
 */
function health(env = process.env) {
  const file = env.REDRIVE_WORKER_ALIVE_FILE;
  return file && existsSync(file) ? workerHealth(env) : dashboardHealth(env);
}

function fail(message) {
  process.stderr.write(`unhealthy: ${message}\n`);
  process.exit(1);
}

async function main(argv) {
  const [command = "dashboard", ...rest] = argv;
  if (command === "--version" || rest.includes("--version")) {
    const pkg = JSON.parse(readFileSync(new URL("package.json", HERE), "utf8"));
    process.stdout.write(`${pkg.version}\n`);
    return;
  }
  // The command line's own options (--url, --json, --help) may come before its command.
  if (CLI.includes(command) || command.startsWith("-")) return runCli(argv);
  // The tools read their own arguments from process.argv.slice(2).
  process.argv = [process.argv[0], process.argv[1], ...rest];
  // The Lua scripts and the compiled app are found from the working folder.
  process.chdir(fileURLToPath(HERE));
  if (command === "dashboard") {
    const { runServer } = await import("./start.mjs");
    return runServer(rest);
  }
  if (command === "health") return health();
  if (TOOLS.includes(command)) return import(new URL(`dist/${command}.mjs`, HERE).href);
  const commands = ["dashboard", ...TOOLS, "health", ...CLI].join(" | ");
  process.stderr.write(`usage: redrive.mjs [${commands}] [arguments]\n`);
  process.exit(2);
}

void main(process.argv.slice(2));
