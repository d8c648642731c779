import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import Redis from "ioredis";
import { hash } from "bcrypt";
import { freePort, startEmbeddedRedis } from "../../scripts/embedded-redis";
import { ADMIN_STATE, PASSWORD, TEAM_STATE, VIEWER_STATE } from "./setup-env";
import { logIn, waitForHealth } from "../../scripts/http-client";

/**
 * Starts redis-server, the production dashboard (`next build` must have run:
 * npm test builds first) and a worker service, logs both test users in, and
 * returns the teardown. The outage test restarts Redis on the same port, so the
 * teardown also shuts down whatever answers on it.
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  const redis = await startEmbeddedRedis();
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const passwordHash = await hash(PASSWORD, 4);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    REDIS_URL: redis.url,
    NEXTAUTH_URL: baseUrl,
    NEXTAUTH_SECRET: "e2e-secret-e2e-secret-e2e-secret",
    REDRIVE_USERS: [
      `admin:admin:${passwordHash}`,
      `viewer:viewer:${passwordHash}`,
      `team:admin:${passwordHash}:document|audio`,
    ].join(","),
    RETRY_WORKER_INTERVAL_SECONDS: "1",
    // Exports: the admin may; `customer.email` is masked in them (and for viewers).
    REDRIVE_EXPORTERS: "admin",
    REDRIVE_REDACT: "customer.email",
    ALERT_DLQ_SIZE: "50",
    // Every browser test also checks every API body the pages read against its schema.
    REDRIVE_CHECK_RESPONSES: "true",
  };
  const server = start("node", ["scripts/start.mjs", "-p", String(port), "-H", "127.0.0.1"], env);
  const mismatches = shapeMismatches(server.child);
  const worker = start(
    "node_modules/.bin/tsx",
    ["--conditions=react-server", "scripts/worker.ts"],
    env,
  );
  await waitForHealth(baseUrl, {
    exited: () => server.child.exitCode !== null,
    output: server.output,
  });
  await saveSession(baseUrl, "admin", ADMIN_STATE);
  await saveSession(baseUrl, "viewer", VIEWER_STATE);
  await saveSession(baseUrl, "team", TEAM_STATE);
  process.env.E2E_BASE_URL = baseUrl;
  process.env.E2E_REDIS_URL = redis.url;
  return async () => {
    worker.child.kill("SIGTERM");
    server.child.kill("SIGTERM");
    await redis.stop().catch(() => undefined);
    await shutdownWhateverAnswers(redis.url);
    // A page shows a failed poll as an error state that a test may never look at: fail the run.
    if (mismatches.length > 0) {
      throw new Error(`API bodies did not match their schemas:\n${mismatches.join("\n")}`);
    }
  };
}

/** The server's "response shape mismatch" log lines (REDRIVE_CHECK_RESPONSES), every one of them. */
function shapeMismatches(child: ChildProcess): string[] {
  const found: string[] = [];
  let partial = "";
  child.stderr?.on("data", (d: Buffer) => {
    const lines = (partial + d.toString()).split("\n");
    partial = lines.pop() ?? "";
    found.push(...lines.filter((l) => l.includes('"msg":"response shape mismatch"')));
  });
  return found;
}

function start(cmd: string, args: string[], env: NodeJS.ProcessEnv) {
  let output = "";
  const child: ChildProcess = spawn(cmd, args, { env, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout?.on("data", (d: Buffer) => (output = (output + d.toString()).slice(-20_000)));
  child.stderr?.on("data", (d: Buffer) => (output = (output + d.toString()).slice(-20_000)));
  return { child, output: () => output };
}

/** Logs in through next-auth's credentials endpoint and stores the session as Playwright state. */
async function saveSession(baseUrl: string, user: string, path: string) {
  const session = await logIn(baseUrl, user, PASSWORD);
  const [name, ...value] = session.split("=");
  const cookie = {
    name: name!,
    value: value.join("="),
    domain: "127.0.0.1",
    path: "/",
    expires: -1,
    httpOnly: true,
    secure: false,
    sameSite: "Lax" as const,
  };
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify({ cookies: [cookie], origins: [] }));
}

async function shutdownWhateverAnswers(url: string) {
  const client = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on("error", () => undefined);
  try {
    await client.connect();
    await client.call("SHUTDOWN", "NOSAVE");
  } catch {
    // nothing answers: fine
  } finally {
    client.disconnect();
  }
}
