import { exportPages, type ExportProgress } from "../lib/queues/export";
import { check, median } from "./lib/check";
import { fillDlq } from "./lib/dlq-fill";
import { count, parseOptions, scale } from "./lib/options";
import type { PingStats } from "./lib/ping";
import { startBenchServer, type BenchServer } from "./lib/server";
import { summarize, target, type Summary } from "./lib/summary";
import { Count, printTable } from "./lib/table";

/**
 * `npm run bench -- export [--scale F] [--runs N]`: the export of a
 * 1 000 000-entry DLQ (× F) as JSON Lines, as GET …/dlq/{queue}/export
 * streams it (the lines are made and dropped, as a client that saves them
 * takes them). Measured per run: the time and rate, the bytes made, the
 * highest heap and resident memory above what the process held before
 * (sampled every 20 ms), and the PING latency another client sees meanwhile.
 * Targets: at least 50 000 entries a second; at most 64 MB more heap at any
 * time (the DLQ is several hundred MB: memory must not grow with it); no
 * PING over 25 ms.
 */
const OPTIONS = { scale: scale(), runs: count("--runs", 3) };
const QUEUE = "document";
const TOTAL = 1_000_000;

interface Run {
  ms: number;
  exported: number;
  bytes: number;
  heapGrowthMb: number;
  rssGrowthMb: number;
  ping: PingStats;
}

/** The highest heap and RSS above the start, sampled while `work` runs. */
async function peakMemory<T>(work: () => Promise<T>) {
  global.gc?.();
  const start = process.memoryUsage();
  const peak = { heap: 0, rss: 0 };
  const sample = () => {
    const m = process.memoryUsage();
    peak.heap = Math.max(peak.heap, m.heapUsed - start.heapUsed);
    peak.rss = Math.max(peak.rss, m.rss - start.rss);
  };
  const timer = setInterval(sample, 20);
  try {
    const result = await work();
    sample();
    return { result, heapMb: peak.heap / 2 ** 20, rssMb: peak.rss / 2 ** 20 };
  } finally {
    clearInterval(timer);
  }
}

async function exportOnce(b: BenchServer): Promise<Run> {
  const measured = await peakMemory(() =>
    b.ping.measure(async () => {
      const progress: ExportProgress = { read: 0, total: 0, exported: 0 };
      let bytes = 0;
      for await (const chunk of exportPages(b.engine.ctx, QUEUE, {}, null, progress)) {
        bytes += Buffer.byteLength(chunk);
      }
      return { exported: progress.exported, bytes };
    }),
  );
  const { result, ms, ping } = measured.result;
  return {
    ms,
    ...result,
    heapGrowthMb: measured.heapMb,
    rssGrowthMb: measured.rssMb,
    ping,
  };
}

const rateOf = (r: Run) => r.exported / (r.ms / 1000);

function targets(runs: Run[]) {
  const med = (pick: (r: Run) => number) => median(runs.map(pick));
  return [
    target(
      "rate",
      "entries exported a second (median run)",
      med(rateOf),
      ">=",
      50_000,
      "entries/s",
    ),
    target(
      "heap",
      "highest heap above the start (median run)",
      med((r) => r.heapGrowthMb),
      "<=",
      64,
      "MB",
    ),
    target(
      "ping",
      "worst PING during an export (median run)",
      med((r) => r.ping.worstMs),
      "<=",
      25,
      "ms",
    ),
  ];
}

export async function run(args: string[]): Promise<Summary> {
  const opts = parseOptions(args, OPTIONS);
  const started = new Date();
  const b = await startBenchServer(QUEUE);
  try {
    await b.flush();
    const n = Math.round(TOTAL * opts.scale);
    await fillDlq(b.redis, b.config, QUEUE, n);
    const runs: Run[] = [];
    for (let i = 0; i < opts.runs; i++) runs.push(await exportOnce(b));
    for (const r of runs) check(r.exported === n, `a run exported ${r.exported} of ${n} entries`);
    printTable(
      `Export a DLQ of ${n} entries as JSON Lines`,
      ["run", "s", "entries/s", "MB made", "heap +MB peak", "RSS +MB peak", "PING worst ms"],
      runs.map((r, i) => [
        new Count(i + 1),
        r.ms / 1000,
        new Count(Math.round(rateOf(r))),
        r.bytes / 2 ** 20,
        r.heapGrowthMb,
        r.rssGrowthMb,
        r.ping.worstMs,
      ]),
    );
    return summarize(
      "export",
      started,
      { redis: b.redisVersion, priority: b.priority, scale: opts.scale, runs: opts.runs },
      { entries: n, runs },
      targets(runs),
    );
  } finally {
    await b.stop();
  }
}
