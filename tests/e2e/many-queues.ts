import { spawn, type ChildProcess } from "node:child_process";
import { hash } from "bcrypt";
import Redis from "ioredis";
import { freePort, startEmbeddedRedis, type EmbeddedRedis } from "../../scripts/embedded-redis";
import { logIn, waitForHealth } from "../../scripts/http-client";
import { dlqEntry, historySamples } from "./fixtures";
import { PASSWORD } from "./setup-env";

/**
 * A second dashboard for the tests at scale: its own redis-server and `next
 * start` configured with a hundred queues (`q000` ... `q099`), each holding a
 * few dead letters (queue k holds k % 7 + 1) and an hour of history in which
 * queue k's DLQ grew by k % 13 a sample (q012, q025, q038, q051, q064 the
 * most), so that the pages are drawn as a team with many queues sees them.
 */
export const MANY = Array.from({ length: 100 }, (_, k) => `q${String(k).padStart(3, "0")}`);

export interface ManyQueues {
  baseUrl: string;
  redis: Redis;
  /** The admin's session cookie, `name=value`. */
  session: string;
  stop(): Promise<void>;
}

export async function startManyQueues(): Promise<ManyQueues> {
  const server: EmbeddedRedis = await startEmbeddedRedis();
  const redis = new Redis(server.url, { maxRetriesPerRequest: 1 });
  await fill(redis);
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    REDIS_URL: server.url,
    QUEUES: MANY.join(","),
    NEXTAUTH_URL: baseUrl,
    NEXTAUTH_SECRET: "e2e-many-secret-e2e-many-secret",
    REDRIVE_USERS: `admin:admin:${await hash(PASSWORD, 4)}`,
    REDRIVE_CHECK_RESPONSES: "true",
  };
  const child: ChildProcess = spawn(
    "node",
    ["scripts/start.mjs", "-p", String(port), "-H", "127.0.0.1"],
    { env, stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  child.stdout?.on("data", (d: Buffer) => (output = (output + d.toString()).slice(-20_000)));
  child.stderr?.on("data", (d: Buffer) => (output = (output + d.toString()).slice(-20_000)));
  await waitForHealth(baseUrl, { exited: () => child.exitCode !== null, output: () => output });
  const session = await logIn(baseUrl, "admin", PASSWORD);
  return {
    baseUrl,
    redis,
    session,
    stop: async () => {
      child.kill("SIGTERM");
      redis.disconnect();
      await server.stop();
    },
  };
}

async function fill(redis: Redis): Promise<void> {
  const pipeline = redis.pipeline();
  MANY.forEach((queue, k) => {
    const entries = Array.from({ length: (k % 7) + 1 }, (_, i) => dlqEntry(`${k}-${i}`, queue));
    pipeline.lpush(`${queue}_dlq`, ...entries);
  });
  pipeline.lpush("redrive:metrics:10s", ...historySamples(Date.now() / 1000, MANY, (k) => k % 13));
  await pipeline.exec();
}
