import { afterEach, describe, expect, it } from "vitest";
import type { EmbeddedRedis } from "@/scripts/embedded-redis";
import { useApp } from "../helpers/app";
import { qk } from "../helpers/cluster-mode";

/**
 * On a Cluster, an admin's requeue is reported done once the replica of the
 * master that holds the queue confirmed it (WAIT, 1 replica by default on a
 * Cluster), and said to be unconfirmed when that replica does not answer.
 */
const app = useApp({ REDIS_WAIT_TIMEOUT_MS: "300" });
let stopped: EmbeddedRedis | null = null;

afterEach(() => {
  stopped?.process.kill("SIGCONT");
  stopped = null;
});

async function requeueOne(id: string): Promise<Response> {
  await app.redis.lpush(qk("document_dlq"), JSON.stringify({ id }));
  const cookie = await app.login("admin");
  return app.call("/api/admin/dlq/document/requeue/0", {
    cookie,
    method: "POST",
    body: JSON.stringify({ identity: `id:${id}` }),
  });
}

async function replicaOfQueue(): Promise<EmbeddedRedis> {
  const master = await app.cluster!.masterFor(qk("document_dlq"));
  const port = Number(master.options.port);
  master.disconnect();
  return app.cluster!.replicaOf(port);
}

describe("changes confirmed by the Cluster's replicas", () => {
  it("should answer done when the replica of the queue's master confirms", async () => {
    const res = await requeueOne("confirmed");
    expect(res.status).toBe(200);
    expect(res.headers.get("redrive-replication")).toBeNull();
    expect(await app.redis.lrange(qk("document_queue"), 0, -1)).toEqual(['{"id":"confirmed"}']);
  });

  it("should say the change is unconfirmed when the replica of the queue's master does not answer", async () => {
    stopped = await replicaOfQueue();
    stopped.process.kill("SIGSTOP");
    const res = await requeueOne("unconfirmed");
    expect(res.status).toBe(200);
    expect(res.headers.get("redrive-replication")).toBe("acked=0; wanted=1");
    // The move is made on the master all the same.
    expect(await app.redis.lrange(qk("document_queue"), 0, -1)).toEqual(['{"id":"unconfirmed"}']);
  });
});
