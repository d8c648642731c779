/**
 * `npm run demo`: embedded Redis (unless REDIS_URL is set), the retry worker
 * service as its own process, and a small producer with processors that fail
 * the way real ones do, printing what happens to each message. Ctrl-C stops
 * everything it started.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { childEnv, loadConfig } from "../lib/config";
import { QueueEngine } from "../lib/queues/engine";
import { createRedis } from "../lib/redis/connection";
import {
  PermanentError,
  Processor,
  type Outcome,
  type TakenMessage,
} from "../lib/worker/processor";
import { startEmbeddedRedis, type EmbeddedRedis } from "./embedded-redis";

/** Short backoff so that a retry comes back within seconds, not minutes. */
const DEMO_ENV = {
  RETRY_BACKOFF_BASE_SECONDS: "2",
  RETRY_WORKER_INTERVAL_SECONDS: "1",
};

const FAILURES: [number, () => Error][] = [
  [
    0.2,
    () => Object.assign(new Error("storage read timed out after 30s"), { name: "TimeoutError" }),
  ],
  [0.08, () => Object.assign(new Error("connection reset by peer"), { name: "ConnectionError" })],
  [0.05, () => new PermanentError("unsupported file format: .xyz")],
];

const EXTENSIONS: Record<string, string> = {
  document: "pdf",
  audio: "mp3",
  video: "mp4",
  graph: "json",
};

function log(tag: string, text: string) {
  process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${tag.padEnd(10)} ${text}\n`);
}

/** A handler that fails transiently or permanently in realistic proportions. */
async function handle(_message: TakenMessage): Promise<void> {
  await new Promise((r) => setTimeout(r, 50 + Math.random() * 250));
  let roll = Math.random();
  for (const [p, make] of FAILURES) {
    if (roll < p) throw make();
    roll -= p;
  }
}

function describe(outcome: Outcome, m: TakenMessage, error: unknown): string {
  const name = `${String(m.json?.filename ?? m.identity)} (try ${m.retryCount + 1})`;
  const why = error instanceof Error ? `${error.name}: ${error.message}` : "";
  switch (outcome) {
    case "done":
      return `${name} processed`;
    case "retry":
      return `${name} failed, ${why} -> retry queue`;
    case "dlq":
      return `${name} failed, ${why} -> DLQ`;
    case "lost":
      return `${name} was recovered by the worker service while processing`;
  }
}

function startWorker(url: string): ChildProcess {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "--conditions=react-server", "scripts/worker.ts"],
    {
      env: childEnv({ ...DEMO_ENV, REDIS_URL: url }),
      stdio: ["ignore", "pipe", "inherit"],
      // Stopped by us with SIGTERM, after the processors, not by the terminal's Ctrl-C.
      detached: true,
    },
  );
  process.once("exit", () => child.kill("SIGKILL"));
  let buffered = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    buffered += chunk.toString();
    const lines = buffered.split("\n");
    buffered = lines.pop() ?? "";
    for (const line of lines) reportWorkerLine(line);
  });
  return child;
}

function reportWorkerLine(line: string) {
  try {
    const entry = JSON.parse(line) as { msg: string; promoted?: Record<string, number> };
    const promoted = Object.entries(entry.promoted ?? {}).filter(([, n]) => n > 0);
    if (entry.msg !== "retry worker run") log("worker", entry.msg);
    else if (promoted.length > 0) {
      log("worker", `promoted due retries: ${promoted.map(([q, n]) => `${q} ${n}`).join(", ")}`);
    }
  } catch {
    log("worker", line);
  }
}

async function main() {
  let embedded: EmbeddedRedis | undefined;
  const base = loadConfig(childEnv(DEMO_ENV));
  let url = base.REDIS_URL;
  if (!url) {
    embedded = await startEmbeddedRedis(base.REDIS_SERVER_BIN);
    url = embedded.url;
    log("redis", `embedded redis-server on ${url} (no persistence)`);
  } else {
    log("redis", `using REDIS_URL ${url.replace(/\/\/[^@]*@/, "//***@")}`);
  }
  const config = loadConfig(childEnv({ ...DEMO_ENV, REDIS_URL: url }));
  const redis = createRedis(url);
  const engine = new QueueEngine(redis, config);
  const worker = startWorker(url);

  const processors = config.QUEUES.map((queue) => {
    const p = new Processor(engine.ctx, {
      queue,
      handler: handle,
      connect: () => createRedis(url),
      concurrency: 2,
      onOutcome: (outcome, m, error) => log(queue, describe(outcome, m, error)),
    });
    p.start();
    return p;
  });

  let n = 0;
  const producer = setInterval(() => {
    const queue = config.QUEUES[n % config.QUEUES.length]!;
    const ext = EXTENSIONS[queue] ?? "bin";
    const message = { job_id: randomUUID(), filename: `upload-${++n}.${ext}`, retry_count: 0 };
    void engine
      .enqueue(queue, message)
      .then(() => log("producer", `${queue}: ${message.filename}`));
  }, 700);

  const stats = setInterval(() => {
    void engine.getStats().then((all) => {
      const text = all
        .map((s) => `${s.queue} work=${s.work} retry=${s.retry} dlq=${s.dlq}`)
        .join(" | ");
      log("stats", text);
    });
  }, 10_000);

  log("demo", "running: Ctrl-C stops everything");
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    log("demo", "stopping");
    clearInterval(producer);
    clearInterval(stats);
    await Promise.all(processors.map((p) => p.stop()));
    worker.kill("SIGTERM");
    await new Promise((r) => (worker.exitCode !== null ? r(null) : worker.once("exit", r)));
    redis.disconnect();
    await embedded?.stop();
    log("demo", "stopped");
    process.exit(0);
  };
  process.once("SIGINT", () => void stop());
  process.once("SIGTERM", () => void stop());
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
