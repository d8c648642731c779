import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import Redis from "ioredis";
import { hash } from "bcryptjs";
import { freePort, startEmbeddedRedis } from "../../scripts/embedded-redis";
import { ADMIN_STATE, PASSWORD, VIEWER_STATE } from "./setup-env";

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
    REDRIVE_USERS: `admin:admin:${passwordHash},viewer:viewer:${passwordHash}`,
    RETRY_WORKER_INTERVAL_SECONDS: "1",
    ALERT_DLQ_SIZE: "50",
  };
  const server = start("node", ["scripts/start.mjs", "-p", String(port), "-H", "127.0.0.1"], env);
  const worker = start(
    "node_modules/.bin/tsx",
    ["--conditions=react-server", "scripts/worker.ts"],
    env,
  );
  await waitForHealth(baseUrl, server.child, server.output);
  await saveSession(baseUrl, "admin", ADMIN_STATE);
  await saveSession(baseUrl, "viewer", VIEWER_STATE);
  process.env.E2E_BASE_URL = baseUrl;
  process.env.E2E_REDIS_URL = redis.url;
  return async () => {
    worker.child.kill("SIGTERM");
    server.child.kill("SIGTERM");
    await redis.stop().catch(() => undefined);
    await shutdownWhateverAnswers(redis.url);
  };
}

function start(cmd: string, args: string[], env: NodeJS.ProcessEnv) {
  let output = "";
  const child: ChildProcess = spawn(cmd, args, { env, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout?.on("data", (d: Buffer) => (output = (output + d.toString()).slice(-20_000)));
  child.stderr?.on("data", (d: Buffer) => (output = (output + d.toString()).slice(-20_000)));
  return { child, output: () => output };
}

async function waitForHealth(url: string, child: ChildProcess, output: () => string) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`next start exited:\n${output()}`);
    const ok = await fetch(`${url}/api/health`)
      .then((r) => r.status === 200)
      .catch(() => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the dashboard did not become healthy:\n${output()}`);
}

function cookiesOf(response: Response): string[] {
  return response.headers.getSetCookie().map((c) => c.split(";")[0]!);
}

/** Logs in through next-auth's credentials endpoint and stores the session as Playwright state. */
async function saveSession(baseUrl: string, user: string, path: string) {
  const csrf = await fetch(`${baseUrl}/api/auth/csrf`);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const res = await fetch(`${baseUrl}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      cookie: cookiesOf(csrf).join("; "),
    },
    body: new URLSearchParams({ csrfToken, username: user, password: PASSWORD, json: "true" }),
  });
  const session = cookiesOf(res).find((c) => c.startsWith("next-auth.session-token="));
  if (!session) throw new Error(`login of ${user} failed: ${res.status}`);
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
