import { describe, expect, it } from "vitest";
import { useApp } from "../helpers/app";
import { qk } from "../helpers/cluster-mode";
import { countIds, deadLetter, requeueOldest } from "../helpers/failover";
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
  const entries = Array.from({ length: N }, (_, i) => deadLetter(i));
  await app.redis.lpush(qk("document_dlq"), ...entries);
  const master = await app.cluster!.masterFor(qk("document_dlq"));
  await master.call("WAIT", "1", "5000");
  master.disconnect();
}

/** The oldest entry's index; null while the test's own client follows the failover. */
async function oldestIndex(): Promise<number | null> {
  const length = await app.redis.llen(qk("document_dlq")).catch(() => null);
  return length === null ? null : length - 1;
}

async function census() {
  const [work, dlq] = await Promise.all([
    app.redis.lrange(qk("document_queue"), 0, -1),
    app.redis.lrange(qk("document_dlq"), 0, -1),
  ]);
  return countIds([...work, ...dlq], N);
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
      told.push(await requeueOldest(app, cookie, i, oldestIndex, 100));
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
