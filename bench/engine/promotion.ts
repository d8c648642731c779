import type Redis from "ioredis";
import { keysOf } from "../../lib/queues/context";
import { loadBullMQ } from "../lib/bullmq";
import { check } from "../lib/check";
import { loadDueRetries, payload, payloadBytes } from "../lib/data";
import type { BenchServer } from "../lib/server";
import { target } from "../lib/summary";
import { printTable } from "../lib/table";
import {
  bullConnection,
  phase,
  printRows,
  printRuns,
  QUEUE,
  repeated,
  row,
  rowJson,
  type Row,
  type ScenarioResult,
  type Sizes,
} from "./shared";

/** a) Promotion of due retries: Redrive, BullMQ's promoteJobs, and one message per call. */

const ONE_PER_CALL_BUDGET_S = 60;

async function redrivePromote(b: BenchServer, n: number): Promise<Row> {
  await b.flush();
  const { retry, work } = keysOf(b.engine.ctx, QUEUE);
  const t0 = performance.now();
  const bytes = await loadDueRetries(b.redis, retry, n);
  const setupMs = performance.now() - t0;
  const p = await phase(b, () => b.engine.promoteDue(QUEUE));
  check(p.result === n, `promoteDue moved ${p.result}, expected ${n}`);
  check((await b.redis.llen(work)) === n, "work queue holds every promoted message");
  check((await b.redis.zcard(retry)) === 0, "retry set is empty");
  return row("Redrive promoteDue", n, p, setupMs, `${Math.round(bytes)} B/msg`);
}

async function bullmqPromote(b: BenchServer, n: number): Promise<Row> {
  await b.flush();
  const { Queue } = loadBullMQ();
  const queue = new Queue("bench-promote", { connection: bullConnection(b) });
  await queue.waitUntilReady();
  const t0 = performance.now();
  let bytes = 0;
  for (let start = 0; start < n; start += 1000) {
    const jobs = [];
    for (let i = start; i < Math.min(n, start + 1000); i++) {
      const data = payload(i, 1);
      bytes += payloadBytes(data);
      jobs.push({ name: QUEUE, data, opts: { delay: 7 * 86_400_000 } });
    }
    await queue.addBulk(jobs);
  }
  const setupMs = performance.now() - t0;
  check((await queue.getDelayedCount()) === n, `BullMQ holds ${n} delayed jobs`);
  // promoteJobs() loops moveJobsToWait (1000 jobs per call by default) until none is left.
  const p = await phase(b, () => queue.promoteJobs());
  check((await queue.getDelayedCount()) === 0, "BullMQ delayed set is empty after promoteJobs");
  check((await queue.getWaitingCount()) === n, "BullMQ wait list holds every promoted job");
  await queue.close();
  return row("BullMQ promoteJobs()", n, p, setupMs, `${Math.round(bytes / n)} B data/job`);
}

/** Sidekiq's Scheduled::Enq: take the one soonest due member (LIMIT 0 1) and ZREM it. */
const ZPOP_BY_SCORE = `
local key, now = KEYS[1], ARGV[1]
local jobs = redis.call("ZRANGE", key, "-inf", now, "BYSCORE", "LIMIT", 0, 1)
if jobs[1] then
  redis.call("ZREM", key, jobs[1])
  return jobs[1]
end
return false
`;

type ZpopClient = Redis & { benchZpopByScore(key: string, now: string): Promise<Buffer | null> };

async function onePerCallPromote(b: BenchServer, sz: Sizes): Promise<Row> {
  await b.flush();
  const { retry, work } = keysOf(b.engine.ctx, QUEUE);
  const t0 = performance.now();
  await loadDueRetries(b.redis, retry, sz.onePerCallMax);
  const setupMs = performance.now() - t0;
  b.redis.defineCommand("benchZpopByScore", { numberOfKeys: 1, lua: ZPOP_BY_SCORE });
  const client = b.redis as ZpopClient;
  let limit = sz.onePerCallMax;
  const p = await phase(b, async () => {
    const started = performance.now();
    let moved = 0;
    while (moved < limit) {
      const member = await client.benchZpopByScore(retry, String(Date.now() / 1000));
      if (!member) break;
      // The push is a round trip of its own, as Sidekiq::Client.push makes it.
      await b.redis.lpush(work, member);
      moved++;
      if (moved === 2000) {
        const projected = ((performance.now() - started) / 2000) * sz.onePerCallMax;
        if (projected > ONE_PER_CALL_BUDGET_S * 1000) limit = sz.onePerCallFallback;
      }
    }
    return moved;
  });
  check(p.result === limit, `one-per-call moved ${p.result}, expected ${limit}`);
  check((await b.redis.llen(work)) === limit, "work queue holds every promoted message");
  const note = limit < sz.onePerCallMax ? `stopped at ${limit}: ${sz.onePerCallMax} > 60 s` : "";
  return row("one-per-call (Sidekiq-style)", p.result, p, setupMs, note);
}

export async function scenarioPromotion(b: BenchServer, sz: Sizes): Promise<ScenarioResult> {
  const rp = await repeated(() => redrivePromote(b, sz.promote), sz.runs);
  const bp = await repeated(() => bullmqPromote(b, sz.promote), sz.runs);
  const op = await repeated(() => onePerCallPromote(b, sz), sz.runs);
  printRows(`a) Promotion of ${sz.promote} due retries`, [rp, bp, op]);
  printRuns(`a) Runs of the promotion (msg/s; --runs ${sz.runs})`, [rp, bp, op]);
  printTable(
    "a) Ratios",
    ["ratio", "value"],
    [
      ["Redrive / BullMQ", rp.rate / bp.rate],
      ["Redrive / one-per-call", rp.rate / op.rate],
    ],
  );
  return {
    targets: [
      target(
        "promote.vsBullmq",
        "a) promotion: Redrive / BullMQ",
        rp.rate / bp.rate,
        ">=",
        1.5,
        "×",
      ),
      target(
        "promote.vsOnePerCall",
        "a) promotion: Redrive / one-per-call",
        rp.rate / op.rate,
        ">=",
        50,
        "×",
      ),
      target(
        "promote.pingWorst",
        "a) promotion: worst PING during Redrive",
        rp.ping.worstMs,
        "<=",
        10,
        "ms",
      ),
    ],
    results: {
      promotion: {
        redrive: { ...rowJson(rp), runsMsgPerSec: rp.runs, minMsgPerSec: rp.minRate },
        bullmq: { ...rowJson(bp), runsMsgPerSec: bp.runs, minMsgPerSec: bp.minRate },
        onePerCall: {
          ...rowJson(op),
          note: op.note,
          runsMsgPerSec: op.runs,
          minMsgPerSec: op.minRate,
        },
        ratioVsBullmq: rp.rate / bp.rate,
        ratioVsOnePerCall: rp.rate / op.rate,
      },
    },
  };
}
