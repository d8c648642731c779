import { target } from "../lib/summary";
import { printTable } from "../lib/table";
import { cells, HEADER, measure, runJson, type Runner } from "./measure";
import type { ScenarioOutcome, Systems } from "./scenarios";
import { bullPagePath, dlqPagePath, PAGE, PAGE_QUEUE } from "./shared";

/**
 * 5) Latency at a fixed arrival rate: the DLQ page of 50 and bull-board's
 * page of 50 failed jobs, both at the same request rate (autocannon's
 * overallRate over the same 10 connections), chosen below both servers'
 * saturation: RATE_SHARE of the slower one's closed-loop throughput, as the
 * page scenario measured it (or a short closed-loop probe when it did not
 * run). What an admin waits for when the server is not flat out, where the
 * closed loops of scenario 1 measure the most it can serve. Target: Redrive's
 * p99 ≤ bull-board's p99.
 */

const RATE_SHARE = 0.5;

/** Closed-loop req/s of both pages: scenario 1's, or a probe of a few seconds each. */
async function closedLoop(s: Systems): Promise<{ redrive: number; bullBoard: number }> {
  if (s.closedLoop) return s.closedLoop;
  const probe: Runner = { ...s.runner, measureS: Math.min(5, s.runner.measureS), warmupS: 1 };
  console.log("  (scenario 1 did not run: probing closed-loop throughput first)");
  const ours = await measure(
    probe,
    s.redrive,
    "Redrive probe",
    s.appUrl,
    dlqPagePath(PAGE_QUEUE, 0),
  );
  const peer = await measure(
    probe,
    s.bullBoard,
    "bull-board probe",
    s.boardUrl,
    bullPagePath("all"),
  );
  return { redrive: ours.run.reqPerSec, bullBoard: peer.run.reqPerSec };
}

export async function scenarioRate(s: Systems): Promise<ScenarioOutcome> {
  console.log("\n5) Latency at a fixed arrival rate");
  const base = await closedLoop(s);
  const rate = Math.max(1, Math.floor(RATE_SHARE * Math.min(base.redrive, base.bullBoard)));
  console.log(
    `  rate ${rate} req/s for both: ${RATE_SHARE * 100} % of the slower closed loop ` +
      `(Redrive ${base.redrive.toFixed(0)}, bull-board ${base.bullBoard.toFixed(0)} req/s)`,
  );
  const path = dlqPagePath(PAGE_QUEUE, 0);
  const ours = await measure(s.runner, s.redrive, "Redrive", s.appUrl, path, rate);
  const peer = await measure(
    s.runner,
    s.bullBoard,
    "bull-board",
    s.boardUrl,
    bullPagePath("all"),
    rate,
  );
  printTable(
    `5) A page of ${PAGE} at a fixed ${rate} req/s (${RATE_SHARE * 100} % of the slower server's closed-loop ` +
      `throughput), same connections: Redrive's DLQ against bull-board's failed jobs`,
    HEADER,
    [ours, peer].map(cells),
  );
  return {
    measured: [ours, peer],
    targets: [
      target(
        "rate.p99",
        `5) page of ${PAGE} at ${rate} req/s: Redrive p99 (bound: bull-board's p99)`,
        ours.run.p99Ms,
        "<=",
        peer.run.p99Ms,
        "ms",
      ),
    ],
    results: {
      fixedRate: {
        reqPerSec: rate,
        rateShareOfSlowerClosedLoop: RATE_SHARE,
        closedLoopReqPerSec: base,
        redrive: runJson(ours),
        bullBoard: runJson(peer),
        p99Ratio: ours.run.p99Ms / peer.run.p99Ms,
      },
    },
  };
}
