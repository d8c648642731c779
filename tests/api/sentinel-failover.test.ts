import Redis from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { startWorker } from "@/chaos/lib/worker";
import { createRedis } from "@/lib/redis/connection";
import { createTask, getTask } from "@/lib/tasks/redrive";
import { useApp } from "../helpers/app";
import { testConfig } from "../helpers/redis";
import { MASTER_NAME, startSentinelSet, type SentinelSet } from "../helpers/sentinel";
import { countIds, deadLetter, requeueOldest, type Told } from "../helpers/failover";
import { until } from "../helpers/until";

/**
 * A failover under load, through Sentinel: the dashboard and the worker
 * service follow the new master by themselves, and every message is counted
 * by id afterwards, in the work list and the DLQ of the master that won.
 * One-message requeues from the API meet `SENTINEL FAILOVER`; a requeue-all
 * task of 100 000 entries meets a SIGKILL of the master.
 */
const env: Record<string, string> = {
  REDIS_SENTINEL_NAME: MASTER_NAME,
  QUEUES: "document",
  // Through Sentinel a change is reported done once a replica has it (REDIS_WAIT_REPLICAS
  // defaults to 1 there; README, "Changes confirmed by replicas"); each unconfirmed one waits this.
  REDIS_WAIT_TIMEOUT_MS: "500",
};
let set: SentinelSet;

const app = useApp(env, {
  beforeStart: async () => {
    set ??= await startSentinelSet();
    env.REDIS_SENTINELS = set.sentinelList;
  },
});

afterAll(async () => {
  await set?.stop();
});

const config = () => testConfig({ ...env, REDIS_URL: "" });

/** The master the sentinels name now, as a plain client. */
async function master(): Promise<Redis> {
  return new Redis(await set.currentMasterPort(), "127.0.0.1", { maxRetriesPerRequest: 1 });
}

/** How many times each id is in the work list and the DLQ; the ids missing from both. */
async function census(ids: number): Promise<{ lost: number; duplicated: number; dlq: number }> {
  const m = await master();
  try {
    const [work, dlq] = await Promise.all([
      m.lrange("document_queue", 0, -1),
      m.lrange("document_dlq", 0, -1),
    ]);
    return { ...countIds([...work, ...dlq], ids), dlq: dlq.length };
  } finally {
    m.disconnect();
  }
}

/** Python-written dead letters j0..j(n-1), oldest first, replicated before the test goes on. */
async function fillDlq(n: number): Promise<void> {
  const m = await master();
  try {
    for (let i = 0; i < n; i += 5_000) {
      const chunk = Array.from({ length: Math.min(5_000, n - i) }, (_, k) => deadLetter(i + k));
      await m.lpush("document_dlq", ...chunk);
    }
    await m.call("WAIT", "1", "5000");
  } finally {
    m.disconnect();
  }
}

/** The oldest entry's index in the DLQ of the master the sentinels name now. */
async function oldestIndex(): Promise<number> {
  const m = await master();
  try {
    return (await m.llen("document_dlq")) - 1;
  } finally {
    m.disconnect();
  }
}

/** The ids in the work list of the master that won. */
async function requeuedIds(): Promise<Set<string>> {
  const m = await master();
  try {
    const work = await m.lrange("document_queue", 0, -1);
    return new Set(work.map((raw) => (JSON.parse(raw) as { id: string }).id));
  } finally {
    m.disconnect();
  }
}

describe("a Sentinel failover under load", () => {
  it("should lose no message when one-message requeues meet SENTINEL FAILOVER", async () => {
    await fillDlq(200);
    const before = await set.currentMasterPort();
    const cookie = await app.login("admin");
    const told: Told[] = [];
    for (let i = 0; i < 200; i++) {
      if (i === 60) {
        const sentinel = new Redis(set.sentinels[0]!.port, "127.0.0.1");
        await sentinel.call("SENTINEL", "FAILOVER", MASTER_NAME);
        sentinel.disconnect();
      }
      told.push(await requeueOldest(app, cookie, i, oldestIndex, 50));
    }
    const result = await census(200);
    expect(await set.currentMasterPort()).not.toBe(before);
    const requeued = await requeuedIds();
    const done = told.flatMap((t, i) => (t.status === 200 && t.confirmed ? [`j${i}`] : []));
    const unconfirmed = told.filter((t) => t.status === 200 && !t.confirmed).length;
    const report = { ...result, confirmed: done.length, unconfirmed, requeued: requeued.size };
    console.log(`failover during requeues: ${JSON.stringify(report)}`);
    expect(result).toMatchObject({ lost: 0, duplicated: 0 });
    // What the admin was told is done survived the failover; the rest is back in the DLQ, once.
    expect(done.filter((id) => !requeued.has(id))).toEqual([]);
    expect(told.filter((t) => t.status !== 200 && t.status !== 409)).toEqual([]);
    expect(done.length).toBeGreaterThan(150);
    // The dashboard says where the master went, and since when.
    const status = await app.call("/api/admin/redis", { cookie });
    const { topology } = (await status.json()) as {
      topology: { mode: string; master: string; since: number | null; previous: string | null };
    };
    expect(topology).toMatchObject({
      mode: "sentinel",
      master: `127.0.0.1:${await set.currentMasterPort()}`,
      previous: `127.0.0.1:${before}`,
    });
    expect(topology.since).toBeGreaterThan(0);
  }, 120_000);

  it("should finish a requeue-all task of 100 000 with every id once when the master is SIGKILLed", async () => {
    await set.waitForReplicaOf(await set.currentMasterPort());
    const m = await master();
    await m.flushall();
    m.disconnect();
    await fillDlq(100_000);
    const worker = startWorker({ ...env, REDIS_URL: "", RETRY_WORKER_INTERVAL_SECONDS: "0.2" });
    const client = createRedis(undefined, { maxRetriesPerRequest: 3 }, config());
    const ctx = { redis: client, config: config() };
    try {
      await createTask(ctx, "document", "requeue", 0, "admin");
      const killedPort = await set.currentMasterPort();
      const movedAtKill = await until(
        async () => {
          const moved = (await getTask(ctx, "document"))?.moved ?? 0;
          return moved >= 20_000 && moved;
        },
        "20 000 moved",
        60_000,
        20,
      );
      const killedAt = Date.now();
      set.processOn(killedPort)!.kill("SIGKILL");
      await set.waitForNewMaster(killedPort);
      const done = async () => (await getTask(ctx, "document"))?.state === "done";
      await until(done, "the task done after the failover", 90_000, 200);
      expect((await getTask(ctx, "document"))?.state).toBe("done");
      const result = await census(100_000);
      const seconds = ((Date.now() - killedAt) / 1000).toFixed(1);
      console.log(
        `master SIGKILL during a task: ${JSON.stringify({ ...result, movedAtKill, seconds })}`,
      );
      expect(result).toEqual({ lost: 0, duplicated: 0, dlq: 0 });
    } finally {
      client.disconnect();
      await worker.kill("SIGTERM");
    }
  }, 180_000);
});
