import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * A throwaway redis-server for the demo and the tests: loopback only, no
 * persistence, stopped with its parent. Used only when REDIS_URL is not set.
 */

export interface EmbeddedRedis {
  url: string;
  port: number;
  process: ChildProcess;
  stop(): Promise<void>;
}

export const INSTALL_HINT =
  "redis-server was not found. Install it with:\n  sudo apt-get update && sudo apt-get install -y redis-server\n" +
  "or set REDIS_SERVER_BIN to its path, or REDIS_URL to a running Redis.";

/** A port nobody listens on now (the OS picks it); callers retry if it is taken meanwhile. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export function redisServerAvailable(bin: string): boolean {
  return spawnSync(bin, ["--version"], { stdio: "ignore" }).status === 0;
}

function waitForReady(child: ChildProcess, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = "";
    const timer = setTimeout(
      () => fail(new Error(`redis-server did not start:\n${output}`)),
      10_000,
    );
    function fail(error: Error) {
      clearTimeout(timer);
      child.kill("SIGKILL");
      reject(error);
    }
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("Ready to accept connections")) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on("exit", (code) =>
      fail(new Error(`redis-server on port ${port} exited (${code}):\n${output}`)),
    );
    child.on("error", (error) => fail(error));
  });
}

async function startOnce(
  bin: string,
  extraArgs: string[],
  fixedPort?: number,
): Promise<EmbeddedRedis> {
  const port = fixedPort ?? (await freePort());
  // Its own empty directory: a replica writes the RDB it syncs to dump.rdb there, and
  // redis-server loads a dump.rdb it finds at start, so a shared directory (the
  // repository) would hand one run's data to the next. A caller's --dir comes later and wins.
  const dir = mkdtempSync(join(tmpdir(), "redrive-redis-"));
  const args = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"];
  args.push("--dir", dir);
  // Its own process group: a Ctrl-C meant for the parent must not kill Redis
  // before the parent has closed its connections; the parent stops it instead.
  const child = spawn(bin, [...args, ...extraArgs], {
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  await waitForReady(child, port);
  child.stdout?.resume();
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  // Never outlive the parent, however it ends.
  const killChild = () => child.kill("SIGKILL");
  process.once("exit", killChild);
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    process: child,
    async stop() {
      process.removeListener("exit", killChild);
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
      // Only the directory made here: a caller's own --dir is the caller's.
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Starts redis-server on a free loopback port (or `port`, to restart one in
 * place); retries if another process takes the port first.
 */
export async function startEmbeddedRedis(
  bin = "redis-server",
  extraArgs: string[] = [],
  port?: number,
): Promise<EmbeddedRedis> {
  if (!redisServerAvailable(bin)) throw new Error(INSTALL_HINT);
  let lastError: unknown;
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      return await startOnce(bin, extraArgs, port);
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}
