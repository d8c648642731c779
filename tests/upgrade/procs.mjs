/**
 * The processes of an upgrade run: redis-server, each version's dashboard,
 * worker and consumer. Each is started in its own process group (a launcher's
 * child, such as the Next server behind start.mjs, goes with it), its output
 * kept in memory and in a log file of the run folder, and stopped the way an
 * orchestrator stops it: SIGTERM to the process itself (the launchers pass it
 * on once), SIGKILL to the group only after a grace period. Nothing else is
 * ever signalled.
 */
import { spawn } from "node:child_process";
import { createWriteStream, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

const started = new Set();

// However the harness ends, nothing it started outlives it: the children run in
// process groups of their own, which a terminal's Ctrl-C does not reach.
process.on("exit", () => {
  for (const p of started) p.kill("SIGKILL", true);
});
for (const sig of ["SIGINT", "SIGTERM"]) {
  process.once(sig, () => {
    process.stderr.write(`\n[upgrade] ${sig}: stopping everything it started\n`);
    process.exit(130);
  });
}

/** A port nobody listens on now (the OS picks it). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function signal(child, sig, group) {
  try {
    process.kill(group ? -child.pid : child.pid, sig);
  } catch {
    // already gone
  }
}

/**
 * Starts `cmd args` in `cwd`. `env` is the whole environment (PATH and HOME
 * added), as a container would give it: nothing leaks in from the harness.
 */
export function startProcess(name, cmd, args, { cwd, env, logDir }) {
  const child = spawn(cmd, args, {
    cwd,
    env: { PATH: process.env.PATH, HOME: tmpdir(), ...env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  const log = createWriteStream(join(logDir, `${name}.log`));
  const proc = {
    name,
    child,
    stdout: "",
    stderr: "",
    startedAt: Date.now(),
    stopping: false,
    exit: null,
    kill: (sig, group = false) => signal(child, sig, group),
  };
  child.stdout.on("data", (d) => {
    proc.stdout += d;
    log.write(d);
  });
  child.stderr.on("data", (d) => {
    proc.stderr += d;
    log.write(d);
  });
  proc.exited = new Promise((resolve) =>
    child.once("exit", (code, sig) => {
      proc.exit = { code, signal: sig, expected: proc.stopping, at: Date.now() };
      started.delete(proc);
      log.end();
      resolve(proc.exit);
    }),
  );
  started.add(proc);
  return proc;
}

/** SIGTERM, then SIGKILL to its group after `graceMs`; resolves with how it exited. */
export async function stopProcess(proc, graceMs = 20_000) {
  if (proc.exit) return proc.exit;
  proc.stopping = true;
  proc.kill("SIGTERM");
  const timer = setTimeout(() => {
    proc.killedAfterGrace = true;
    proc.kill("SIGKILL", true);
  }, graceMs);
  const exit = await proc.exited;
  clearTimeout(timer);
  // A launcher gone first must not leave its server behind.
  proc.kill("SIGKILL", true);
  return exit;
}

/** Resolves when `predicate()` is true; throws after `timeoutMs` saying what it waited for. */
export async function until(predicate, what, timeoutMs = 60_000, everyMs = 250) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // A failed probe is "not yet", unless it says the wait is over (a process exited).
    const value = await predicate().catch((error) => {
      if (error?.fatal) throw error;
      return false;
    });
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** redis-server on a free loopback port, without persistence, in its own directory. */
export async function startRedis(logDir) {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "redrive-upgrade-redis-"));
  const args = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"];
  const proc = startProcess("redis", "redis-server", [...args, "--dir", dir], {
    cwd: dir,
    env: {},
    logDir,
  });
  await until(
    async () => proc.stdout.includes("Ready to accept connections"),
    "redis-server",
    10_000,
    50,
  );
  return {
    url: `redis://127.0.0.1:${port}`,
    proc,
    async stop() {
      await stopProcess(proc, 5_000);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Resolves once GET /api/health answers 200; throws if the process exits first. */
export async function waitForHealth(url, proc, timeoutMs = 90_000) {
  await until(
    async () => {
      if (proc.exit) {
        const error = new Error(`${proc.name} exited:\n${proc.stdout}${proc.stderr}`);
        throw Object.assign(error, { fatal: true });
      }
      const res = await fetch(`${url}/api/health`).catch(() => null);
      return res?.status === 200;
    },
    `${proc.name} to answer /api/health`,
    timeoutMs,
    200,
  );
}
