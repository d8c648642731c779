import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import Redis from "ioredis";
import { takeCensus, type Census } from "../lib/census";
import { QUEUE, sleep, waitForDrain } from "../lib/fixture";
import { withRig } from "../lib/rig";
import { startTraffic } from "../lib/traffic";

/**
 * Two worker services whose clocks are shifted for real (libfaketime, from
 * Debian's faketime package, preloaded into the process: no setting in the
 * code), one SKEW seconds ahead and one behind, while retries come due over
 * the next 35 s. A retry may reach its work list early by at most the skew
 * of the clock that promoted it, and none may be lost.
 */

export interface ClockSkewResult {
  scenario: string;
  fsync: "always";
  census: Census;
  skewSeconds: number;
  /** The earliest any retry reached a consumer before its due time. */
  maxEarlySeconds: number;
  /** Retries that came earlier than the skew allows. */
  tooEarly: number;
  recoverSeconds: number;
}

const SKEW = 30;
const ENV = { QUEUES: QUEUE, RETRY_WORKER_INTERVAL_SECONDS: "0.2" };

/** libfaketime's shared object, wherever this system's multiarch layout put it. */
export function libfaketime(): string | null {
  for (const dir of ["/usr/lib", "/usr/local/lib"]) {
    if (!existsSync(dir)) continue;
    for (const arch of readdirSync(dir)) {
      const path = join(dir, arch, "faketime", "libfaketime.so.1");
      if (existsSync(path)) return path;
    }
  }
  return null;
}

/** Retries due 1 to 35 s from now, written as the Python backend writes them; their due times by id. */
async function scheduleRetries(redis: Redis, key: string, n: number): Promise<Map<string, number>> {
  const due = new Map<string, number>();
  const args: (string | number)[] = [];
  for (let i = 0; i < n; i++) {
    const at = Date.now() / 1000 + 1 + Math.random() * 34;
    due.set(`s-${i}`, at);
    args.push(at, JSON.stringify({ job_id: `s-${i}`, retry_count: 1 }));
  }
  await redis.zadd(key, ...args);
  return due;
}

export async function clockSkew(n = 2000): Promise<ClockSkewResult> {
  const lib = libfaketime();
  if (!lib) throw new Error("libfaketime is missing: apt-get install -y faketime");
  return withRig({ fsync: "always", env: ENV }, async ({ redis, o, startWorker }) => {
    const skewed = (offset: string) => startWorker({ LD_PRELOAD: lib, FAKETIME: offset });
    const workers = [skewed(`+${SKEW}s`), skewed(`-${SKEW}s`)];
    await Promise.all(workers.map((w) => w.waitFor('"retry worker started"')));
    const received = new Map<string, number>();
    const consumers = startTraffic(o, redis.url, {
      batch: 0,
      onDelivery: (id) => received.set(id, received.get(id) ?? Date.now() / 1000),
    });
    const due = await scheduleRetries(o.redis, o.keys.retry, n);
    const started = Date.now();
    await sleep(1_000);
    await waitForDrain(o, 90_000);
    await consumers.stop();
    const early = [...received].map(([id, at]) => (due.get(id) ?? at) - at);
    const maxEarlySeconds = Math.max(0, ...early);
    return {
      scenario: `clock skew ±${SKEW} s on two workers (libfaketime)`,
      fsync: "always",
      census: await takeCensus(o.redis, o.keys, new Set(due.keys()), consumers.delivered),
      skewSeconds: SKEW,
      maxEarlySeconds,
      tooEarly: early.filter((e) => e > SKEW + 1).length,
      recoverSeconds: (Date.now() - started) / 1000,
    };
  });
}
