import { startBenchServer, type BenchServer } from "../lib/server";
import { check } from "../lib/check";
import { printTable, type Cell } from "../lib/table";
import { runMode, type ModeResult } from "./seed-mode";
import {
  DB_LATENCY_MS,
  IDS,
  KINDS,
  LOOPS,
  READ_MIX,
  WRITE_SHARE,
  ZIPF_S,
  ZIPFS,
  type Kind,
} from "./seed-workload";
import type { ScenarioResult } from "./shared";

/**
 * Scenario 2: the Python backend's claims on a simulated backend, with the cache off and
 * on. Every figure is read against the direct no-cache mode (1 query per read).
 */

interface Modes {
  direct: ModeResult;
  disabled: ModeResult;
  on: ModeResult;
  paced: ModeResult;
  /** The direct mode's requests per second, which the paced mode keeps. */
  offRate: number;
}

const pct = (x: number | null) => (x === null || !Number.isFinite(x) ? null : 100 * x);
const qpr = (m: ModeResult) => m.dbReads / m.reads;
const perSec = (m: ModeResult) => m.requests / (m.ms / 1000);

/** Share by which `m` beat the direct no-cache mode on a latency figure. */
function faster(m: ModeResult, direct: ModeResult, q: "p50" | "p99" | "mean"): number {
  return 1 - m.latency[q] / direct.latency[q];
}

async function runModes(b: BenchServer, modeMs: number): Promise<Modes> {
  const offMs = Math.max(2000, modeMs / 2);
  const direct = await runMode(b, {
    id: "offDirect",
    label: "OFF: no cache, db.query directly",
    cache: "none",
    ms: offMs,
  });
  const disabled = await runMode(b, {
    id: "offDisabled",
    label: "OFF: RedisCache { enabled: false }",
    cache: "disabled",
    ms: offMs,
  });
  const on = await runMode(b, {
    id: "on",
    label: "ON: RedisCache, closed loops",
    cache: "enabled",
    ms: modeMs,
  });
  const offRate = perSec(direct);
  const paced = await runMode(b, {
    id: "onPaced",
    label: `ON: RedisCache, paced at OFF's ${Math.round(offRate)} req/s`,
    cache: "enabled",
    rate: offRate,
    ms: modeMs,
  });
  for (const m of [direct, disabled, on, paced]) {
    const g = m.guard;
    check(
      g === null || (g.errors === 0 && g.timeouts === 0 && g.skipped === 0),
      `${m.mode.label}: the guard saw no error, timeout or skip (${JSON.stringify(g)})`,
    );
  }
  return { direct, disabled, on, paced, offRate };
}

function printWorkload(b: BenchServer): void {
  const top = (k: Kind) => (100 * ZIPFS[k].top).toFixed(1);
  console.log(
    `\n2) Workload: ${LOOPS} request loops; a request reads one record (user ${READ_MIX.user * 100} %, ` +
      `job status ${READ_MIX.job_status * 100} %, document summary ${READ_MIX.doc_summary * 100} %) ` +
      `or, ${WRITE_SHARE * 100} % of the time, updates a user or a job status and invalidates it. ` +
      `Ids Zipf s=${ZIPF_S} over ${IDS.user} users / ${IDS.job_status} jobs / ${IDS.doc_summary} documents ` +
      `(hottest id: ${top("user")} / ${top("job_status")} / ` +
      `${top("doc_summary")} % of its reads; half the reads go to the ` +
      `${ZIPFS.user.idsForShare(0.5)} / ${ZIPFS.job_status.idsForShare(0.5)} / ` +
      `${ZIPFS.doc_summary.idsForShare(0.5)} hottest). DB: ${DB_LATENCY_MS} ms timer per query, ` +
      `no pool limit. Seed TTLs, unscaled: user ${b.config.CACHE_USER_TTL} s, job status ` +
      `${b.config.CACHE_JOB_STATUS_TTL} s, document ${b.config.CACHE_DOCUMENT_TTL} s; every mode starts on an empty Redis.`,
  );
}

function printLatencies({ direct, disabled, on, paced }: Modes): void {
  const vsDirect = (m: ModeResult, q: "p50" | "p99") =>
    m === direct ? null : pct(faster(m, direct, q));
  printTable(
    "2) Simulated backend: requests, DB queries and read latency (latency = one read request; writes excluded)",
    [
      "mode",
      "time s",
      "reads",
      "writes",
      "req/s",
      "DB reads",
      "queries/read",
      "2nd half q/read",
      "fewer queries %",
      "p50 ms",
      "p99 ms",
      "mean ms",
      "p50 faster %",
      "p99 faster %",
    ],
    [direct, disabled, on, paced].map((m) => [
      m.mode.label,
      m.ms / 1000,
      m.reads,
      m.writes,
      perSec(m),
      m.dbReads,
      qpr(m),
      m.secondHalf.dbReads / m.secondHalf.reads,
      pct(1 - qpr(m)),
      m.latency.p50,
      m.latency.p99,
      m.latency.mean,
      vsDirect(m, "p50"),
      vsDirect(m, "p99"),
    ]),
  );
}

function hitRateRow(m: ModeResult): Cell[] {
  return [
    m.mode.label,
    pct(m.serverHitRate),
    m.serverWindowSeconds,
    ...KINDS.map((k) => pct(m.namespaces[k]?.hitRate ?? null)),
    pct(1 - qpr(m)),
    ...KINDS.map((k) => m.dbReadsBy[k]),
    m.stale ? `${m.stale.user} / ${m.updatedIds.user}` : null,
    m.stale ? `${m.stale.job_status} / ${m.updatedIds.job_status}` : null,
  ];
}

function printHitRates({ on, paced }: Modes): void {
  printTable(
    "2) Hit rates with the cache on: server-wide (inspectCache, INFO keyspace deltas) and per namespace (shared counters)",
    [
      "mode",
      "server hit %",
      "window s",
      "user hit %",
      "job_status hit %",
      "doc_summary hit %",
      "reads not queried %",
      "DB user",
      "DB job_status",
      "DB doc_summary",
      "stale users / updated",
      "stale jobs / updated",
    ],
    [on, paced].map(hitRateRow),
  );
  console.log(
    "stale = cached users / job statuses older than the database at the end of the run " +
      "(a read's snapshot stored after a concurrent write's invalidation); they last until their TTL.",
  );
}

function printClaims({ direct, disabled, on, paced, offRate }: Modes): void {
  const both = (q: "p50" | "p99" | "mean") => [
    pct(faster(on, direct, q)),
    pct(faster(paced, direct, q)),
  ];
  printTable(
    "2) The Python backend's cache claims (informational, no target)",
    ["claim", "seed", "ON closed loops", "ON paced at OFF's rate"],
    [
      ["fewer DB queries (vs no cache), %", "80–90", pct(1 - qpr(on)), pct(1 - qpr(paced))],
      ["faster responses, p50, %", "50–70", ...both("p50")],
      ["faster responses, p99, %", "50–70", ...both("p99")],
      ["faster responses, mean, %", "50–70", ...both("mean")],
      ["requests/s at 50 loops (× OFF)", "5–10", perSec(on) / offRate, perSec(paced) / offRate],
    ],
  );
  if (qpr(disabled) < 0.999) {
    console.log(
      `note: with { enabled: false } RedisCache still coalesces concurrent reads of one key ` +
        `(getOrSet's single-flight), so the "off" cache made ${qpr(disabled).toFixed(3)} DB queries per read, ` +
        `not 1; reductions above are against the direct no-cache baseline (1 query per read).`,
    );
  }
}

function modeJson(m: ModeResult, direct: ModeResult) {
  return {
    label: m.mode.label,
    seconds: m.ms / 1000,
    requests: m.requests,
    reads: m.reads,
    writes: m.writes,
    requestsPerSec: perSec(m),
    dbReads: m.dbReads,
    dbReadsBy: m.dbReadsBy,
    queriesPerRead: qpr(m),
    secondHalfQueriesPerRead: m.secondHalf.dbReads / m.secondHalf.reads,
    queryReductionPct: pct(1 - qpr(m)),
    p50Ms: m.latency.p50,
    p99Ms: m.latency.p99,
    meanMs: m.latency.mean,
    maxMs: m.latency.max,
    p50FasterPct: m === direct ? null : pct(faster(m, direct, "p50")),
    p99FasterPct: m === direct ? null : pct(faster(m, direct, "p99")),
    serverHitRate: m.serverHitRate,
    namespaces: m.namespaces,
    guard: m.guard,
    staleAtEnd: m.stale,
    updatedIds: m.updatedIds,
  };
}

function seedJson(b: BenchServer, modes: Modes) {
  const all = [modes.direct, modes.disabled, modes.on, modes.paced];
  return {
    workload: {
      loops: LOOPS,
      zipfS: ZIPF_S,
      ids: IDS,
      readMix: READ_MIX,
      writeShare: WRITE_SHARE,
      dbLatencyMs: DB_LATENCY_MS,
      ttls: {
        user: b.config.CACHE_USER_TTL,
        jobStatus: b.config.CACHE_JOB_STATUS_TTL,
        document: b.config.CACHE_DOCUMENT_TTL,
      },
    },
    modes: Object.fromEntries(all.map((m) => [m.mode.id, modeJson(m, modes.direct)])),
    seedClaims: { queryReductionPct: "80-90", fasterPct: "50-70", informational: true },
  };
}

export async function scenarioSeed(modeMs: number): Promise<ScenarioResult> {
  const b = await startBenchServer();
  try {
    const modes = await runModes(b, modeMs);
    printWorkload(b);
    printLatencies(modes);
    printHitRates(modes);
    printClaims(modes);
    return { redisVersion: b.redisVersion, targets: [], results: { seed: seedJson(b, modes) } };
  } finally {
    await b.stop();
  }
}
