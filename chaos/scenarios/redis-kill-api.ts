import { randomUUID } from "node:crypto";
import { logIn } from "../../scripts/http-client";
import { takeCensus, type Census } from "../lib/census";
import { DASHBOARD_PASSWORD } from "../lib/dashboard";
import { loadDeadLetters, QUEUE, sleep } from "../lib/fixture";
import type { Fsync } from "../lib/redis";
import { withRig } from "../lib/rig";

/**
 * A burst of one-message requeues through the admin API (a script clicking
 * "Requeue" as fast as the dashboard answers), with redis-server SIGKILLed and
 * started again in the middle. Each request carries an Idempotency-Key and is
 * sent again with it until it gets an answer other than 503, as the dashboard
 * does; afterwards every job id must be exactly once in the work list or the DLQ.
 */

export interface ApiKillResult {
  scenario: string;
  fsync: Fsync;
  census: Census;
  /** Requeues answered 200, and 503s met (and retried) around the kill. */
  requeued: number;
  unavailable: number;
  inProgress: number;
  other: string[];
  recoverSeconds: number;
}

interface Burst {
  requeued: number;
  unavailable: number;
  /** 409 IN_PROGRESS answers waited out. */
  inProgress: number;
  /** Any other answer: status and code. */
  other: string[];
  /** When the first 200 after a 503 came (ms epoch), if any. */
  backAt: number | null;
}

async function requeueOne(
  url: string,
  cookie: string,
  index: number,
  identity: string,
  burst: Burst,
) {
  const key = randomUUID();
  for (;;) {
    const res = await fetch(`${url}/api/admin/dlq/${QUEUE}/requeue/${index}`, {
      method: "POST",
      headers: { cookie, origin: url, "content-type": "application/json", "idempotency-key": key },
      body: JSON.stringify({ identity }),
    }).catch(() => null);
    const code = res ? ((await res.json()) as { error?: { code: string } }).error?.code : "NETWORK";
    if (code === "IN_PROGRESS") {
      // A claim left by a request that Redis' death cut short: released within 30 s.
      burst.inProgress++;
      await sleep(1_000);
      continue;
    }
    if (res && res.status !== 503) {
      if (res.status === 200) burst.requeued++;
      else burst.other.push(`${res.status} ${code}`);
      if (burst.unavailable > 0) burst.backAt ??= Date.now();
      return;
    }
    burst.unavailable++;
    await sleep(100);
  }
}

export async function redisKillDuringApiBurst(fsync: Fsync, entries = 600): Promise<ApiKillResult> {
  return withRig({ fsync, env: { QUEUES: QUEUE } }, async (rig) => {
    const { redis, o } = rig;
    const dashboard = await rig.startDashboard();
    const produced = await loadDeadLetters(o, entries);
    const page = [] as { index: number; identity: string }[];
    for (let at = 0; at < entries; at += 200)
      page.push(...(await o.engine.getDlqMessages(QUEUE, at, 200)));
    const cookie = await logIn(dashboard.url, "admin", DASHBOARD_PASSWORD);
    const burst: Burst = { requeued: 0, unavailable: 0, inProgress: 0, other: [], backAt: null };
    let restartedAt = 0;
    const fault = (async () => {
      while (burst.requeued < entries / 3) await sleep(5);
      await redis.kill();
      await sleep(500);
      await redis.restart();
      restartedAt = Date.now();
    })();
    // Highest index first: removing an entry never moves the ones still to come.
    for (const m of page.reverse())
      await requeueOne(dashboard.url, cookie, m.index, m.identity, burst);
    await fault;
    if (process.env.CHAOS_DEBUG) console.log(dashboard.output());
    return {
      scenario: "redis SIGKILL during a burst of API requeues",
      fsync,
      census: await takeCensus(o.redis, o.keys, produced),
      requeued: burst.requeued,
      unavailable: burst.unavailable,
      inProgress: burst.inProgress,
      other: burst.other,
      recoverSeconds:
        burst.backAt && restartedAt ? Math.max(0, burst.backAt - restartedAt) / 1000 : 0,
    };
  });
}
