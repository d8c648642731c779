import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmbeddedRedis, type EmbeddedRedis } from "../../scripts/embedded-redis";

/**
 * A redis-server that keeps its data the way a production one does (an
 * append-only file in a directory of its own), so that it can be killed and
 * started again on the same port and directory, as a crash and a restart by
 * the host's supervisor would.
 */

export type Fsync = "always" | "everysec";

export interface DurableRedis {
  readonly url: string;
  readonly port: number;
  readonly fsync: Fsync;
  /** SIGKILL: no final fsync, no shutdown; resolves once the process is gone. */
  kill(): Promise<void>;
  /** Starts it again on the same port from its append-only file. */
  restart(): Promise<void>;
  /** SIGSTOP / SIGCONT: a server that hangs (swapping, a stuck disk) and then comes back. */
  pause(): void;
  resume(): void;
  stop(): Promise<void>;
}

function aofArgs(dir: string, fsync: Fsync, extra: string[]): string[] {
  return ["--dir", dir, "--appendonly", "yes", "--appendfsync", fsync, ...extra];
}

function signal(server: EmbeddedRedis, sig: NodeJS.Signals): void {
  if (server.process.exitCode === null) server.process.kill(sig);
}

export async function startDurableRedis(fsync: Fsync, extra: string[] = []): Promise<DurableRedis> {
  const dir = mkdtempSync(join(tmpdir(), "redrive-chaos-redis-"));
  const args = aofArgs(dir, fsync, extra);
  let server = await startEmbeddedRedis(process.env.REDIS_SERVER_BIN ?? "redis-server", args);
  const port = server.port;
  return {
    url: server.url,
    port,
    fsync,
    async kill() {
      const gone = new Promise<void>((resolve) => server.process.once("exit", () => resolve()));
      signal(server, "SIGKILL");
      await gone;
    },
    async restart() {
      server = await startEmbeddedRedis(process.env.REDIS_SERVER_BIN ?? "redis-server", args, port);
    },
    pause: () => signal(server, "SIGSTOP"),
    resume: () => signal(server, "SIGCONT"),
    async stop() {
      signal(server, "SIGCONT");
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
