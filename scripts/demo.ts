/**
 * `npm run demo [-- --verbose] [-- --cluster]`: a live Redrive on this machine.
 * Starts an embedded Redis (with --cluster, a local Redis Cluster of three
 * masters and three replicas; or uses REDIS_URL), the retry worker service, a traffic
 * simulator (demo/: producers for every queue, consumers that fail
 * transiently and permanently, foreign DLQ entries, an application reading
 * through the cache) and the dashboard's production build on port 3000 (PORT
 * overrides) with two users whose passwords it prints. Ctrl-C or SIGTERM stops
 * everything it started, in order, and exits.
 */
import { randomBytes } from "node:crypto";
import { childEnv, loadConfig, type Config } from "../lib/config";
import { startOperator } from "../demo/operator";
import { startSimulator, type Simulator } from "../demo/simulator";
import { startEmbeddedRedis, type EmbeddedRedis } from "./embedded-redis";
import { startLocalCluster, type LocalCluster } from "./local-cluster";
import { ensureProductionBuild } from "./production-build";
import { banner } from "./demo/banner";
import {
  startDashboard,
  startWorker,
  dashboardReady,
  WorkerTally,
  type Child,
} from "./demo/children";
import { log } from "./demo/lines";
import { choosePort, PortError } from "./demo/port";
import { demoUsers } from "./demo/users";

/**
 * Short backoff and a frequent worker run, so that retries come back and the
 * DLQs grow within the first minute (5, 10, 20 s instead of 60, 120, 240 s).
 * A value set in the environment wins.
 */
const DEMO_DEFAULTS: Record<string, string> = {
  RETRY_BACKOFF_BASE_SECONDS: "5",
  RETRY_WORKER_INTERVAL_SECONDS: "2",
  METRICS_SAMPLE_SECONDS: "10",
};

/** Seconds between the reports printed while the demo runs (one chart point each). */
const REPORT_SECONDS = 10;

function demoEnv(redis: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = { ...redis };
  for (const [name, value] of Object.entries(DEMO_DEFAULTS)) env[name] = process.env[name] || value;
  return env;
}

/** Everything started so far, stopped in reverse dependency order. */
interface Running {
  /** The simulated admin, who uses the dashboard: stopped before it. */
  operator?: () => Promise<void>;
  simulator?: Simulator;
  children: Child[];
  redis?: EmbeddedRedis;
  cluster?: LocalCluster;
  timers: NodeJS.Timeout[];
}

async function stopAll(r: Running): Promise<void> {
  r.timers.forEach(clearInterval);
  await r.operator?.();
  // Producers and consumers first: they finish the messages in hand while Redis is up.
  await r.simulator?.stop().catch((e: unknown) => log("demo", `simulator: ${String(e)}`));
  await Promise.all(r.children.map((c) => c.stop()));
  await r.redis?.stop();
  await r.cluster?.stop();
}

/** redis://user:secret@host → redis://***@host, for the log. */
function hideCredentials(url: string): string {
  const start = url.indexOf("//");
  const at = start < 0 ? -1 : url.indexOf("@", start + 2);
  return at < 0 ? url : `${url.slice(0, start + 2)}***${url.slice(at)}`;
}

interface DemoRedis {
  /** The variables that point every part of the demo at it. */
  env: Record<string, string>;
  label: string;
}

async function connectRedis(r: Running, base: Config, cluster: boolean): Promise<DemoRedis> {
  if (base.REDIS_URL) {
    const shown = hideCredentials(base.REDIS_URL);
    log("redis", `using REDIS_URL ${shown} (the demo adds messages to its queues)`);
    return { env: { REDIS_URL: base.REDIS_URL }, label: `${shown} (REDIS_URL)` };
  }
  if (cluster) return startCluster(r, base);
  r.redis = await startEmbeddedRedis(base.REDIS_SERVER_BIN);
  log("redis", `embedded redis-server on ${r.redis.url} (no persistence)`);
  const label = `embedded redis-server ${r.redis.url} (no persistence)`;
  return { env: { REDIS_URL: r.redis.url }, label };
}

/** --cluster: six local nodes, with the hash-tagged key names a Cluster needs. */
async function startCluster(r: Running, base: Config): Promise<DemoRedis> {
  r.cluster = await startLocalCluster(base.REDIS_SERVER_BIN);
  const nodes = r.cluster.nodeList;
  log("redis", `local Redis Cluster, 3 masters and 3 replicas: ${nodes} (no persistence)`);
  const env = {
    REDIS_URL: r.cluster.nodes[0]!.url,
    REDIS_CLUSTER_NODES: nodes,
    REDIS_KEY_STYLE: "hashtag",
  };
  return { env, label: `local Redis Cluster ${nodes} (no persistence)` };
}

/** If a child dies while the demo runs, the demo is broken: say so and stop. */
function watchChildren(r: Running, stop: (code: number) => void): void {
  for (const c of r.children) {
    c.process.once("exit", (code, signal) => {
      if (stopping) return;
      log("demo", `${c.name} exited unexpectedly (${signal ?? `code ${code}`}): stopping`);
      stop(1);
    });
  }
  for (const server of r.cluster?.nodes ?? (r.redis ? [r.redis] : [])) {
    server.process.once("exit", () => {
      if (stopping) return;
      log("demo", "redis-server exited unexpectedly: stopping");
      stop(1);
    });
  }
}

let stopping = false;

/** Stops every child the demo started, once, and exits; a stuck child cannot keep it alive. */
function stopper(r: Running): (code: number) => void {
  return (code) => {
    if (stopping) return;
    stopping = true;
    log("demo", "stopping everything the demo started");
    setTimeout(() => process.exit(code || 1), 15_000).unref();
    void stopAll(r).finally(() => {
      log("demo", "stopped");
      process.exit(code);
    });
  };
}

/** The dashboard as `npm start` runs it, with the demo's users and a secret of this run. */
function dashboardEnv(
  env: NodeJS.ProcessEnv,
  port: number,
  url: string,
  redriveUsers: string,
): NodeJS.ProcessEnv {
  return {
    ...env,
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    PORT: String(port),
    NEXTAUTH_URL: url,
    // A new secret per run: sessions of an earlier demo are not valid in this one.
    NEXTAUTH_SECRET: randomBytes(32).toString("base64url"),
    REDRIVE_USERS: redriveUsers,
    REDRIVE_USERS_FILE: "",
  };
}

/** Redis, the worker service, the simulator and the dashboard, then the banner and the operator. */
async function startEverything(
  r: Running,
  port: number,
  flags: { verbose: boolean; cluster: boolean },
  stop: (code: number) => void,
) {
  const { verbose } = flags;
  const base = loadConfig(childEnv(DEMO_DEFAULTS));
  const [{ env: redisEnv, label }, { users, redriveUsers }] = await Promise.all([
    connectRedis(r, base, flags.cluster),
    demoUsers(),
  ]);
  const redisUrl = redisEnv.REDIS_URL!;
  const env = childEnv(demoEnv(redisEnv));
  const config = loadConfig(env);
  const workerTally = new WorkerTally();
  const worker = startWorker(env, workerTally);
  r.children.push(worker);
  r.simulator = await startSimulator({ url: redisUrl, config, log, verbose });
  const url = `http://localhost:${port}`;
  const dashboard = startDashboard(port, dashboardEnv(env, port, url, redriveUsers));
  r.children.push(dashboard);
  watchChildren(r, stop);
  await dashboardReady(url, dashboard);
  if (stopping) return;
  const pids = { workerPid: worker.process.pid, dashboardPid: dashboard.process.pid };
  process.stdout.write(banner({ url, users, redis: label, ...pids, config }));
  const [admin] = users;
  r.operator = startOperator({
    url,
    user: admin!.name,
    password: admin!.password,
    queues: config.QUEUES,
    log,
  });
  const report = async () => {
    for (const line of await r.simulator!.report()) log("stats", line);
    log("stats", workerTally.take());
  };
  r.timers.push(setInterval(() => void report().catch(() => undefined), REPORT_SECONDS * 1000));
}

async function main(): Promise<void> {
  const flags = {
    verbose: process.argv.includes("--verbose"),
    cluster: process.argv.includes("--cluster"),
  };
  ensureProductionBuild("[demo]");
  const { port, note } = await choosePort();
  if (note) log("demo", note);
  const r: Running = { children: [], timers: [] };
  const stop = stopper(r);
  // A second Ctrl-C means now: the exit handlers SIGKILL every child group.
  const onSignal = () => (stopping ? process.exit(130) : stop(0));
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    await startEverything(r, port, flags, stop);
  } catch (error) {
    if (stopping) return;
    process.stderr.write(`\ndemo: ${error instanceof Error ? error.message : String(error)}\n`);
    stop(1);
  }
}

main().catch((error: unknown) => {
  const message =
    error instanceof PortError || error instanceof Error ? error.message : String(error);
  process.stderr.write(`demo: ${message}\n`);
  process.exit(1);
});
