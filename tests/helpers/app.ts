import { spawn, type ChildProcess } from "node:child_process";
import Redis from "ioredis";
import { afterAll, beforeAll, beforeEach, expect } from "vitest";
import { hashPassword } from "@/lib/auth/users";
import { defineScripts } from "@/lib/redis/scripts";
import { freePort, startEmbeddedRedis, type EmbeddedRedis } from "@/scripts/embedded-redis";
import { logIn, waitForHealth } from "@/scripts/http-client";
import { killOnExit } from "@/scripts/processes";
import { ACL_MODE, aclDenials, createAclUser } from "./acl";
import { describedAnswerProblem } from "./openapi-check";
import { startLocalCluster, type LocalCluster } from "@/scripts/local-cluster";
import { CLUSTER_MODE, clusterClient, clusterEnv, flushAll } from "./cluster-mode";
import { oneServer, type RedisClient } from "@/lib/redis/client";

/**
 * The production build (`next build`, run by npm test before vitest) served by
 * `next start` on a free port, against a real redis-server: what the API tests
 * talk to, over HTTP, with real sessions.
 */
export const PASSWORD = "correct horse battery staple";

/** What the server logs when a body does not match its route's schema (REDRIVE_CHECK_RESPONSES). */
const SHAPE_MISMATCH = '"msg":"response shape mismatch"';

export interface AppFixture {
  url: string;
  /** The test's own client: one server's, or a Cluster client under REDRIVE_TEST_CLUSTER. */
  redis: RedisClient;
  /** The server; on the Cluster, its first node. */
  server: EmbeddedRedis;
  cluster?: LocalCluster;
  /** Logs in and returns the Cookie header of the session. */
  login(user: string): Promise<string>;
  /** fetch with the session cookie; mutations get this origin unless `headers` say otherwise. */
  call(path: string, init?: RequestInit & { cookie?: string }): Promise<Response>;
  stopRedis(): Promise<void>;
  startRedis(): Promise<void>;
  /**
   * SIGKILLs the dashboard (a crash mid-request), waiting until it is gone:
   * npm start's launcher and the server it runs, or only the launcher.
   */
  killServer(which?: "all" | "launcher"): Promise<void>;
  /** Starts the dashboard server again on the same port, against the same Redis. */
  restartServer(): Promise<void>;
  /** A second dashboard instance beside the first: same Redis, same settings, another port. */
  anotherServer(): Promise<{ url: string; stop(): Promise<void> }>;
  /** Everything the server wrote to stdout and stderr so far. */
  output(): string;
  /** The Redis settings of a worker service beside this dashboard (a full-rights user). */
  workerEnv(): Record<string, string>;
  /** The server's JSON log lines whose msg is `msg`, oldest first. */
  logged(msg: string): Record<string, unknown>[];
}

export interface AppOptions {
  /** Runs against the fresh redis-server before the dashboard starts (ACL users, say). */
  beforeStart?: (server: EmbeddedRedis) => Promise<void>;
  /** The REDIS_URL the dashboard gets, if not the server's own (a restricted user's, say). */
  redisUrl?: (server: EmbeddedRedis) => string;
  /** The file provokes RESPONSE_SHAPE on purpose; any other file fails on one (see afterAll). */
  shapeMismatches?: "expected";
  /** More users beside admin and viewer, as `name:role` or `name:role:queues` (the password hash is added). */
  users?: string[];
}

/** admin and viewer, and `more` (`name:role[:queues]`), all with the test password's hash. */
function usersWith(hash: string, more: string[]): string {
  return ["admin:admin", "viewer:viewer", ...more]
    .map((u) => {
      const [name, role, queues] = u.split(":");
      return [name, role, hash, ...(queues ? [queues] : [])].join(":");
    })
    .join(",");
}

export function useApp(env: Record<string, string> = {}, options: AppOptions = {}): AppFixture {
  const fixture = {} as AppFixture;
  let child: ChildProcess;
  let output = "";
  // Answers of `call` that depart from the OpenAPI description (./openapi-check.ts).
  const undescribed: string[] = [];
  let hash = "";
  // Under REDRIVE_TEST_ACL the dashboard logs in as the least-privilege user (./acl.ts).
  let redisUrl = "";
  // Under REDRIVE_TEST_CLUSTER, the Cluster's environment (./cluster-mode.ts).
  let redisEnv: Record<string, string> = {};
  const prepareRedis = async () => {
    await options.beforeStart?.(fixture.server);
    const acl = ACL_MODE && !options.redisUrl ? await createAclUser(fixture.server, env) : null;
    redisUrl = options.redisUrl?.(fixture.server) ?? acl ?? fixture.server.url;
  };
  /** `next start` on `port` with the fixture's settings, answering /api/health when it resolves. */
  const launch = async (port: string, log: (text: string) => void) => {
    const server = spawn(process.execPath, ["scripts/start.mjs", "-p", port, "-H", "127.0.0.1"], {
      env: {
        ...process.env,
        NODE_ENV: "production",
        NEXT_TELEMETRY_DISABLED: "1",
        REDIS_URL: redisUrl,
        ...redisEnv,
        NEXTAUTH_URL: fixture.url,
        NEXTAUTH_SECRET: "test-secret-test-secret-test-secret",
        REDRIVE_USERS: usersWith(hash, options.users ?? []),
        // Every API test also checks every successful body against its route's schema.
        REDRIVE_CHECK_RESPONSES: "true",
        ...env,
      },
      stdio: ["ignore", "pipe", "pipe"],
      // Its own process group: killServer kills npm start's launcher and the server it runs.
      detached: true,
    });
    const undo = killOnExit(server);
    server.once("exit", undo);
    let text = "";
    const take = (d: Buffer) => {
      text += d.toString();
      log(d.toString());
    };
    server.stdout?.on("data", take);
    server.stderr?.on("data", take);
    await waitForHealth(
      `http://127.0.0.1:${port}`,
      { exited: () => server.exitCode !== null, output: () => text },
      // Redis is up: the first answer must already be 200.
      { firstAnswerOk: true },
    );
    return server;
  };
  const spawnServer = async () => {
    child = await launch(new URL(fixture.url).port, (text) => (output += text));
  };
  beforeAll(async () => {
    if (CLUSTER_MODE) {
      fixture.cluster = await startLocalCluster();
      fixture.server = fixture.cluster.nodes[0]!;
      redisEnv = clusterEnv(fixture.cluster);
    } else fixture.server = await startEmbeddedRedis();
    await prepareRedis();
    const port = await freePort();
    fixture.url = `http://127.0.0.1:${port}`;
    hash = await hashPassword(PASSWORD);
    await spawnServer();
    fixture.redis = fixture.cluster ? await clusterClient(fixture.cluster) : plainClient(fixture);
  }, 90_000);

  beforeEach(async () => {
    if (fixture.redis.status === "ready") await flushAll(fixture.redis);
  });

  afterAll(async () => {
    const denials =
      ACL_MODE && fixture.redis?.status === "ready"
        ? await aclDenials(oneServer(fixture.redis))
        : [];
    if (child?.exitCode === null) process.kill(-child.pid!, "SIGTERM");
    fixture.redis?.disconnect();
    await (fixture.cluster ?? fixture.server)?.stop();
    // A test that only looks at Redis after a call would not see the call's 500 RESPONSE_SHAPE.
    if (options.shapeMismatches !== "expected") {
      expect(output.split("\n").filter((l) => l.includes(SHAPE_MISMATCH))).toEqual([]);
    }
    expect(denials, "commands or keys the least-privilege user was refused").toEqual([]);
    expect(undescribed, "answers that GET /api/openapi.json does not describe").toEqual([]);
  });

  fixture.login = (user) => logIn(fixture.url, user, PASSWORD);

  fixture.call = (path, init = {}) => {
    const { cookie, headers, ...rest } = init;
    const method = (rest.method ?? "GET").toUpperCase();
    const base: Record<string, string> = {};
    if (cookie) base.cookie = cookie;
    if (method !== "GET") {
      base.origin = fixture.url;
      base["content-type"] = "application/json";
    }
    return fetch(`${fixture.url}${path}`, {
      ...rest,
      redirect: "manual",
      headers: { ...base, ...(headers as Record<string, string>) },
    }).then(async (res) => {
      const text = await res.clone().text();
      const type = res.headers.get("content-type");
      const problem = describedAnswerProblem(method, res.url, res.status, type, text);
      if (problem) undescribed.push(problem);
      return res;
    });
  };

  fixture.killServer = async (which = "all") => {
    const gone = new Promise((resolve) => child.once("exit", resolve));
    if (which === "all") process.kill(-child.pid!, "SIGKILL");
    else child.kill("SIGKILL");
    await gone;
  };
  fixture.restartServer = spawnServer;
  fixture.anotherServer = async () => {
    const port = String(await freePort());
    const server = await launch(port, () => undefined);
    const stop = async () => {
      if (server.exitCode !== null) return;
      const gone = new Promise((resolve) => server.once("exit", resolve));
      process.kill(-server.pid!, "SIGTERM");
      await gone;
    };
    return { url: `http://127.0.0.1:${port}`, stop };
  };

  fixture.output = () => output;
  fixture.workerEnv = () => ({ REDIS_URL: fixture.server.url, ...redisEnv, ...env });
  fixture.logged = (msg) =>
    output
      .split("\n")
      .filter((line) => line.startsWith("{") && line.includes(`"msg":"${msg}"`))
      .map((line) => JSON.parse(line) as Record<string, unknown>);

  fixture.stopRedis = async () => {
    await (fixture.cluster ?? fixture.server).stop();
  };
  fixture.startRedis = async () => {
    if (fixture.cluster) return fixture.cluster.restart();
    fixture.server = await startEmbeddedRedis("redis-server", [], fixture.server.port);
    // Users live in the server's memory: a restarted one needs them again.
    if (ACL_MODE) await prepareRedis();
  };
  return fixture;
}

function plainClient(fixture: AppFixture): Redis {
  const client = new Redis(fixture.server.url, { maxRetriesPerRequest: 1 });
  defineScripts(client);
  return client;
}
