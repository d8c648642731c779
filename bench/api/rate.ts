import { median } from "../lib/check";
import { target } from "../lib/summary";
import { printTable } from "../lib/table";
import { cells, HEADER, measure, runJson, type Measured, type Runner } from "./measure";
import type { ScenarioOutcome, Systems } from "./scenarios";
import { bullPagePath, dlqPagePath, PAGE, PAGE_QUEUE } from "./shared";

/**
 * 5) Latency at a fixed arrival rate: the DLQ page of 50 and bull-board's
 * page of 50 failed jobs, both at the same request rate (evenly spaced
 * arrivals over at most the same 10 connections, see open-loop.ts), chosen
 * below both servers' saturation: RATE_SHARE of the slower one's closed-loop throughput, as the
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

/** Rounds of the fixed-rate pair, Redrive then bull-board in each: the median p99 of each is judged. */
const ROUNDS = 3;

/** The medians over the rounds, printed: p50 and p99 of each system. */
function printMedians(ours: Measured[], peer: Measured[]) {
  const of = (ms: Measured[], q: "p50Ms" | "p99Ms") => median(ms.map((m) => m.run[q]));
  const p50 = { redrive: of(ours, "p50Ms"), bull: of(peer, "p50Ms") };
  const p99 = { redrive: of(ours, "p99Ms"), bull: of(peer, "p99Ms") };
  const every = (ms: Measured[]) => ms.map((m) => m.run.p99Ms.toFixed(1)).join(" / ");
  printTable(
    `5) Medians of the ${ROUNDS} rounds`,
    ["system", "p50 ms", "p99 ms", "every round's p99 ms"],
    [
      ["Redrive", p50.redrive, p99.redrive, every(ours)],
      ["bull-board", p50.bull, p99.bull, every(peer)],
    ],
  );
  return { p50, p99 };
}

export async function scenarioRate(s: Systems): Promise<ScenarioOutcome> {
  console.log("\n5) Latency at a fixed arrival rate");
  const base = await closedLoop(s);
  const rate = Math.max(1, Math.floor(RATE_SHARE * Math.min(base.redrive, base.bullBoard)));
  console.log(
    `  rate ${rate} req/s for both, evenly spaced: ${RATE_SHARE * 100} % of the slower closed loop ` +
      `(Redrive ${base.redrive.toFixed(0)}, bull-board ${base.bullBoard.toFixed(0)} req/s), ${ROUNDS} rounds`,
  );
  const path = dlqPagePath(PAGE_QUEUE, 0);
  const ours: Measured[] = [];
  const peer: Measured[] = [];
  // Alternated, so that a noisy minute of this shared machine falls on both.
  for (let round = 0; round < ROUNDS; round++) {
    ours.push(await measure(s.runner, s.redrive, "Redrive", s.appUrl, path, rate));
    peer.push(
      await measure(s.runner, s.bullBoard, "bull-board", s.boardUrl, bullPagePath("all"), rate),
    );
  }
  printTable(
    `5) A page of ${PAGE} at a fixed ${rate} req/s, evenly spaced (${RATE_SHARE * 100} % of the slower ` +
      `server's closed-loop throughput), ${ROUNDS} rounds: Redrive's DLQ against bull-board's failed jobs`,
    HEADER,
    ours.flatMap((m, i) => [m, peer[i]!]).map(cells),
  );
  const { p50, p99 } = printMedians(ours, peer);
  return {
    measured: [...ours, ...peer],
    targets: [
      target(
        "rate.p99",
        `5) page of ${PAGE} at ${rate} req/s: Redrive p99, median of ${ROUNDS} (bound: bull-board's)`,
        p99.redrive,
        "<=",
        p99.bull,
        "ms",
      ),
    ],
    results: {
      fixedRate: {
        reqPerSec: rate,
        arrivals: "open loop, evenly spaced, latency from each request's due time",
        rateShareOfSlowerClosedLoop: RATE_SHARE,
        closedLoopReqPerSec: base,
        rounds: ROUNDS,
        medianP50Ms: p50,
        medianP99Ms: p99,
        redrive: ours.map(runJson),
        bullBoard: peer.map(runJson),
        p99Ratio: p99.redrive / p99.bull,
      },
    },
  };
}
