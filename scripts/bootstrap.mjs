#!/usr/bin/env node
// Bootstrap: make sure npm dependencies and system binaries are present before
// running `demo`, `test` or `bench`. Plain Node ESM with no dependencies: it runs
// before node_modules exists. Silent when there is nothing to do.
//
// Usage: node scripts/bootstrap.mjs <demo|test|bench>

import { spawnSync } from "node:child_process";
import { accessSync, constants, existsSync, readdirSync, statSync, utimesSync } from "node:fs";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const MODES = ["demo", "test", "bench", "chaos"];

const mode = process.argv[2];
if (!MODES.includes(mode)) {
  console.error(`Usage: node scripts/bootstrap.mjs <${MODES.join("|")}>`);
  process.exit(2);
}

const log = (msg) => console.log(`[bootstrap] ${msg}`);

function run(cmd, args, extraEnv = {}) {
  const res = spawnSync(cmd, args, {
    cwd: ROOT,
    stdio: "inherit",
    env: { ...process.env, ...extraEnv },
  });
  if (res.error) {
    console.error(`[bootstrap] failed to run ${cmd}: ${res.error.message}`);
    process.exit(1);
  }
  if (res.status !== 0) {
    console.error(
      `[bootstrap] ${cmd} ${args.join(" ")} exited with code ${res.status ?? res.signal}`,
    );
    process.exit(res.status || 1);
  }
}

function isExecutable(file) {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

function onPath(bin) {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (dir && isExecutable(join(dir, bin))) return true;
  }
  return false;
}

function mtime(file) {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------
// 1. npm dependencies
// ---------------------------------------------------------------------------
function ensureNodeModules() {
  const lockfile = join(ROOT, "package-lock.json");
  const nodeModules = join(ROOT, "node_modules");
  const installedLock = join(nodeModules, ".package-lock.json");

  if (!existsSync(lockfile)) {
    log("package-lock.json missing: running npm install");
    run("npm", ["install"]);
    return;
  }

  const lockTime = mtime(lockfile);
  const installedTime = mtime(installedLock);
  if (existsSync(nodeModules) && installedTime !== null && installedTime >= lockTime) return;

  log(
    existsSync(nodeModules)
      ? "package-lock.json changed since last install: running npm ci"
      : "node_modules missing: running npm ci",
  );
  run("npm", ["ci"]);
  // Bump the marker so the next run sees node_modules as up to date.
  if (existsSync(installedLock)) {
    const now = new Date();
    utimesSync(installedLock, now, now);
  }
}

// ---------------------------------------------------------------------------
// 2. System binaries (Debian packages)
// ---------------------------------------------------------------------------
function hasE2eSpecs(dir) {
  if (!existsSync(dir)) return false;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return false;
  }
  for (const entry of entries) {
    if (entry.isFile() && entry.name.endsWith(".spec.ts")) return true;
    if (
      entry.isDirectory() &&
      entry.name !== "node_modules" &&
      hasE2eSpecs(join(dir, entry.name))
    ) {
      return true;
    }
  }
  return false;
}

/** @returns {{ pkg: string, available: () => boolean, customPath?: string }[]} */
function requirements() {
  const reqs = [];

  const redisBin = process.env.REDIS_SERVER_BIN;
  reqs.push({
    pkg: "redis-server",
    customPath: redisBin || undefined,
    available: () => (redisBin && isExecutable(redisBin)) || onPath("redis-server"),
  });
  // redis-cli --cluster create joins the local Cluster of the tests, the demo and the benchmarks.
  reqs.push({ pkg: "redis-tools", available: () => onPath("redis-cli") });

  // Browser tests, and the `ui` benchmark (npm passes the benchmark's name after the
  // whole script, out of this script's sight: every bench run asks for Chromium).
  if ((mode === "test" && hasE2eSpecs(join(ROOT, "tests", "e2e"))) || mode === "bench") {
    const chromium = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
    reqs.push({
      pkg: "chromium",
      customPath: process.env.CHROMIUM_PATH || undefined,
      available: () => isExecutable(chromium),
    });
  }
  // A real Prometheus scrapes /api/metrics in the tests, and promtool checks the alert rules.
  if (mode === "test") {
    reqs.push({ pkg: "prometheus", available: () => onPath("prometheus") && onPath("promtool") });
    // Validates deploy/docker-compose.yml against the Compose schema (no engine needed).
    reqs.push({ pkg: "docker-compose", available: () => onPath("docker-compose") });
  }
  // The chaos suite shifts one worker's clock for real with libfaketime.
  if (mode === "chaos") {
    reqs.push({ pkg: "faketime", available: () => onPath("faketime") });
  }
  return reqs;
}

function ensureSystemPackages() {
  const reqs = requirements();
  let missing = reqs.filter((r) => !r.available());
  if (missing.length === 0) return;

  const pkgs = missing.map((r) => r.pkg);
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;

  if (!isRoot || !onPath("apt-get")) {
    console.error(
      `Missing: ${pkgs.join(", ")}. Install it with:\n` +
        `  sudo apt-get update && sudo apt-get install -y ${pkgs.join(" ")}`,
    );
    process.exit(1);
  }

  log(`installing ${pkgs.join(", ")} with apt-get`);
  const aptEnv = { DEBIAN_FRONTEND: "noninteractive" };
  run("apt-get", ["update"], aptEnv);
  run("apt-get", ["install", "-y", ...pkgs], aptEnv);

  missing = reqs.filter((r) => !r.available());
  if (missing.length > 0) {
    for (const r of missing) {
      const where = r.customPath ? ` (looked at ${r.customPath})` : "";
      console.error(`[bootstrap] ${r.pkg} still not available after apt-get install${where}`);
    }
    process.exit(1);
  }
}

ensureNodeModules();
ensureSystemPackages();
