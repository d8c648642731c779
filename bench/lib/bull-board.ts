import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { killOnExit, stopGroup } from "./process";

/**
 * bull-board served by express in a process of its own (bull-board-server.mjs),
 * over BullMQ queues on `redisPort`. Two boards: `${url}/all` lists every queue,
 * `${url}/one` only the first.
 */
export interface BullBoardServer {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

const SCRIPT = fileURLToPath(new URL("./bull-board-server.mjs", import.meta.url));

export async function startBullBoard(
  redisPort: number,
  queues: string[],
): Promise<BullBoardServer> {
  const child = spawn(process.execPath, [SCRIPT], {
    env: {
      ...process.env,
      NODE_ENV: "production",
      BULL_BOARD_REDIS_HOST: "127.0.0.1",
      BULL_BOARD_REDIS_PORT: String(redisPort),
      BULL_BOARD_QUEUES: queues.join(","),
    },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  const undoKill = killOnExit(child);
  const stop = async () => {
    await stopGroup(child);
    undoKill();
  };
  let output = "";
  child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
  try {
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`bull-board did not start:\n${output}`)),
        30_000,
      );
      let line = "";
      child.stdout?.on("data", (d: Buffer) => {
        line += d.toString();
        const m = /\{"port":(\d+)\}/.exec(line);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      });
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`bull-board exited (${code}):\n${output}`));
      });
    });
    child.stdout?.resume();
    return { url: `http://127.0.0.1:${port}`, pid: child.pid!, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
