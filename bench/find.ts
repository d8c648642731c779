import { keysOf } from "../lib/queues/context";
import { findEntries, PLACES, type FindCursor, type Found } from "../lib/queues/find";
import { check, median } from "./lib/check";
import { fillDlq } from "./lib/dlq-fill";
import { count, parseOptions, scale } from "./lib/options";
import type { PingStats } from "./lib/ping";
import { startBenchServer, type BenchServer } from "./lib/server";
import { summarize, target, type Summary } from "./lib/summary";
import { Count, printTable } from "./lib/table";

/**
 * `npm run bench -- find [--scale F] [--runs N]`: "where is job X?" over
 * 1 000 000 entries (× F) in four queues, each holding 40 % of its share in its
 * work list, 1 % in processing, 9 % in its retry set and 50 % in its DLQ. The
 * job sought is in the first queue's work list and at the far end of the last
 * queue's DLQ, so every entry is looked at. Measured per run: the whole scan
 * (every step, as the Find page runs them), its rate, the longest step, and
 * the PING latency another client sees meanwhile (one script call blocks
 * Redis while it scans its 2 000 entries).
 * Targets: at least 200 000 entries a second; no PING over 25 ms.
 */
const OPTIONS = { scale: scale(), runs: count("--runs", 3) };
const QUEUES = ["q0", "q1", "q2", "q3"];
const TOTAL = 1_000_000;
const SHARE = { work: 0.4, processing: 0.01, retry: 0.09, dlq: 0.5 } as const;
const SOUGHT = "6b4c87a6-0000-4000-8000-000000000000";
const CHUNK = 1_000;

/** A work message of about 400 bytes, as the Python backend writes one. */
function message(i: number, jobId = `job-${i.toString(16).padStart(8, "0")}`): string {
  return JSON.stringify({
    job_id: jobId,
    filename: `uploads/2026/12/${i}.pdf`,
    language: "en",
    retry_count: i % 3,
    source: { bucket: "documents-prod", region: "eu-west-1", path: "p".repeat(220) },
  });
}

async function fillList(b: BenchServer, key: string, n: number, from: number): Promise<void> {
  for (let c = 0; c < n; c += CHUNK) {
    const batch = Array.from({ length: Math.min(CHUNK, n - c) }, (_, i) => message(from + c + i));
    await b.redis.lpush(key, ...batch);
  }
}

async function fillRetry(b: BenchServer, key: string, n: number, from: number): Promise<void> {
  const due = Date.now() / 1000 + 3600;
  for (let c = 0; c < n; c += CHUNK) {
    const args = Array.from({ length: Math.min(CHUNK, n - c) }, (_, i) => [
      due + i,
      message(from + c + i),
    ]).flat();
    await b.redis.zadd(key, ...(args as (string | number)[]));
  }
}

async function load(b: BenchServer, total: number): Promise<number> {
  await b.flush();
  const per = total / QUEUES.length;
  let n = 0;
  for (const q of QUEUES) {
    const keys = keysOf(b.engine.ctx, q);
    await fillList(b, keys.work, Math.round(per * SHARE.work), n);
    await fillList(b, keys.processing, Math.round(per * SHARE.processing), n + 1e7);
    await fillRetry(b, keys.retry, Math.round(per * SHARE.retry), n + 2e7);
    await fillDlq(b.redis, b.config, q, Math.round(per * SHARE.dlq));
    n += per;
  }
  const first = keysOf(b.engine.ctx, QUEUES[0]!);
  const last = keysOf(b.engine.ctx, QUEUES.at(-1)!);
  await b.redis.lpush(first.work, message(-1, SOUGHT));
  await b.redis.rpush(last.dlq, message(-2, SOUGHT));
  let entries = 0;
  for (const q of QUEUES) {
    const k = keysOf(b.engine.ctx, q);
    entries += (await b.redis.llen(k.work)) + (await b.redis.llen(k.processing));
    entries += (await b.redis.zcard(k.retry)) + (await b.redis.llen(k.dlq));
  }
  return entries;
}

interface Run {
  ms: number;
  steps: number;
  scanned: number;
  longestStepMs: number;
  found: Found[];
  ping: PingStats;
}

async function scanAll(b: BenchServer): Promise<Run> {
  const match = { field: "job_id", value: SOUGHT };
  const { result, ms, ping } = await b.ping.measure(async () => {
    let at: FindCursor | null = { queue: QUEUES[0]!, place: PLACES[0], offset: 0 };
    const run = { steps: 0, scanned: 0, longestStepMs: 0, found: [] as Found[] };
    while (at) {
      const t0 = performance.now();
      const step = await findEntries(b.engine.ctx, QUEUES, match, at);
      run.longestStepMs = Math.max(run.longestStepMs, performance.now() - t0);
      run.steps += 1;
      run.scanned += step.scanned;
      run.found.push(...step.found);
      at = step.next;
    }
    return run;
  });
  return { ...result, ms, ping };
}

export async function run(args: string[]): Promise<Summary> {
  const opts = parseOptions(args, OPTIONS);
  const started = new Date();
  const b = await startBenchServer(QUEUES.join(","));
  try {
    const entries = await load(b, Math.round(TOTAL * opts.scale));
    const runs: Run[] = [];
    for (let i = 0; i < opts.runs; i++) runs.push(await scanAll(b));
    for (const r of runs) {
      check(r.scanned === entries, `a run looked at ${r.scanned} of ${entries} entries`);
      check(r.found.length === 2, `a run found ${r.found.length} copies of the job, not 2`);
    }
    const rate = (r: Run) => r.scanned / (r.ms / 1000);
    printTable(
      `Find one job_id among ${entries} entries in ${QUEUES.length} queues`,
      [
        "run",
        "whole scan s",
        "entries/s",
        "steps",
        "longest step ms",
        "PING worst ms",
        "PING p99 ms",
      ],
      runs.map((r, i) => [
        new Count(i + 1),
        r.ms / 1000,
        new Count(Math.round(rate(r))),
        new Count(r.steps),
        r.longestStepMs,
        r.ping.worstMs,
        r.ping.p99Ms,
      ]),
    );
    const rates = runs.map(rate);
    const worst = runs.map((r) => r.ping.worstMs);
    return summarize(
      "find",
      started,
      { redis: b.redisVersion, priority: b.priority, scale: opts.scale, runs: opts.runs },
      { entries, runs: runs.map(({ found: _found, ...figures }) => figures) },
      [
        target(
          "rate",
          "entries looked at a second (median run)",
          median(rates),
          ">=",
          200_000,
          "entries/s",
        ),
        target("ping", "worst PING during a scan (median run)", median(worst), "<=", 25, "ms"),
      ],
    );
  } finally {
    await b.stop();
  }
}
