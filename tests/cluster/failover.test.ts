import { describe, expect, it } from "vitest";
import { useApp } from "../helpers/app";
import { qk } from "../helpers/cluster-mode";
import { until } from "../helpers/until";

/**
 * A Cluster failover under one-message requeues: the master that holds the
 * queue is SIGKILLed, its replica takes over (cluster-node-timeout 2 s), the
 * dashboard follows the new slot map by itself, and every message is counted
 * by id afterwards. What the admin was told is done (confirmed by the replica,
 * WAIT) survives; the rest is back in the DLQ, once. After the failover the
 * new master has no replica, so its changes are reported unconfirmed.
 */
// The promoted replica has no replica of its own: every later change waits this long, and says so.
const app = useApp({ QUEUES: "document", REDIS_WAIT_TIMEOUT_MS: "100" });

const N = 100;
const KILL_AT = 40;

async function fillDlq(): Promise<void> {
  const entries = Array.from({ length: N }, (_, i) =>
    JSON.stringify({ id: `j${i}`, job_id: `j${i}`, retry_count: 3, error: "x" }),
  );
  await app.redis.lpush(qk("document_dlq"), ...entries);
  const master = await app.cluster!.masterFor(qk("document_dlq"));
  await master.call("WAIT", "1", "5000");
  master.disconnect();
}

/** The status of one requeue of j<id>, the oldest entry, and whether the replica confirmed it. */
async function requeueOldest(cookie: string, id: number) {
  const init = {
    cookie,
    method: "POST",
    body: JSON.stringify({ identity: `id:j${id}` }),
    headers: { "idempotency-key": `failover-${id}` },
  };
  for (let attempt = 0; ; attempt++) {
    const last = await app.redis.llen(qk("document_dlq")).catch(() => null);
    const res =
      last === null ? null : await app.call(`/api/admin/dlq/document/requeue/${last - 1}`, init);
    // 503 (or no answer from the test's own client) while the Cluster fails over: sent again.
    if ((res && res.status !== 503) || attempt > 100) {
      return { status: res?.status ?? 0, confirmed: !res?.headers.has("redrive-replication") };
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function census() {
  const seen = new Map<string, number>();
  for (const key of [qk("document_queue"), qk("document_dlq")]) {
    for (const raw of await app.redis.lrange(key, 0, -1)) {
      const id = (JSON.parse(raw) as { job_id: string }).job_id;
      seen.set(id, (seen.get(id) ?? 0) + 1);
    }
  }
  const counts = Array.from({ length: N }, (_, i) => seen.get(`j${i}`) ?? 0);
  return {
    lost: counts.filter((n) => n === 0).length,
    duplicated: counts.reduce((d, n) => d + Math.max(0, n - 1), 0),
  };
}

describe("a Cluster failover under load", () => {
  it("should lose no message when one-message requeues meet a SIGKILL of the queue's master", async () => {
    await fillDlq();
    const master = await app.cluster!.masterFor(qk("document_dlq"));
    const killedPort = Number(master.options.port);
    master.disconnect();
    const cookie = await app.login("admin");
    const told = [];
    for (let i = 0; i < N; i++) {
      if (i === KILL_AT)
        app.cluster!.nodes.find((n) => n.port === killedPort)!.process.kill("SIGKILL");
      told.push(await requeueOldest(cookie, i));
    }
    const owner = async () => {
      const m = await app.cluster!.masterFor(qk("document_dlq"), killedPort);
      const port = Number(m.options.port);
      m.disconnect();
      return port !== killedPort;
    };
    await until(owner, "a replica promoted", 30_000, 200);
    const work = new Set(
      (await app.redis.lrange(qk("document_queue"), 0, -1)).map(
        (raw) => (JSON.parse(raw) as { id: string }).id,
      ),
    );
    const done = told.flatMap((t, i) => (t.status === 200 && t.confirmed ? [`j${i}`] : []));
    const result = await census();
    const unconfirmed = told.filter((t) => t.status === 200 && !t.confirmed).length;
    console.log(
      `cluster failover during requeues: ${JSON.stringify({ ...result, confirmed: done.length, unconfirmed })}`,
    );
    expect(result).toEqual({ lost: 0, duplicated: 0 });
    expect(done.filter((id) => !work.has(id))).toEqual([]);
    expect(told.filter((t) => t.status !== 200 && t.status !== 409)).toEqual([]);
    expect(done.length).toBeGreaterThan(KILL_AT / 2);
    expect(told.slice(KILL_AT).filter((t) => t.status === 200 && t.confirmed)).toEqual([]);
  }, 120_000);
});
