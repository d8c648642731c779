import Redis from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { startEmbeddedRedis, type EmbeddedRedis } from "@/scripts/embedded-redis";
import { useApp } from "../helpers/app";
import { linkUp } from "../helpers/sentinel";

/**
 * REDIS_WAIT_REPLICAS: a requeue is reported done once a replica confirmed
 * it, and one the replica did not confirm in time says so (the move stays
 * made on the master) instead of claiming success.
 */
let replica: EmbeddedRedis;
let onReplica: Redis;

const app = useApp(
  { REDIS_WAIT_REPLICAS: "1", REDIS_WAIT_TIMEOUT_MS: "300" },
  {
    beforeStart: async (server) => {
      replica = await startEmbeddedRedis("redis-server", [
        "--replicaof",
        "127.0.0.1",
        String(server.port),
      ]);
      onReplica = new Redis(replica.port, "127.0.0.1", { maxRetriesPerRequest: 1 });
      await linkUp(replica.port);
    },
  },
);

afterAll(async () => {
  onReplica?.disconnect();
  replica?.process.kill("SIGCONT");
  await replica?.stop();
});

async function requeueOne(id: string): Promise<Response> {
  await app.redis.lpush("document_dlq", JSON.stringify({ id }));
  const cookie = await app.login("admin");
  return app.call("/api/admin/dlq/document/requeue/0", {
    cookie,
    method: "POST",
    body: JSON.stringify({ identity: `id:${id}` }),
  });
}

describe("changes confirmed by replicas", () => {
  it("should answer done, with the move on the replica, when the replica confirms", async () => {
    const res = await requeueOne("confirmed");
    expect(res.status).toBe(200);
    expect(res.headers.get("redrive-replication")).toBeNull();
    expect(await onReplica.lrange("document_queue", 0, -1)).toEqual(['{"id":"confirmed"}']);
  });

  it("should say the change is unconfirmed, and audit it so, when the replica does not answer", async () => {
    replica.process.kill("SIGSTOP");
    try {
      const started = Date.now();
      const res = await requeueOne("unconfirmed");
      expect(res.status).toBe(200);
      expect(res.headers.get("redrive-replication")).toBe("acked=0; wanted=1");
      expect(Date.now() - started).toBeGreaterThanOrEqual(300);
      // Made on the master all the same: a failover now could undo it, which the answer says.
      expect(await app.redis.lrange("document_queue", 0, -1)).toEqual(['{"id":"unconfirmed"}']);
      const [latest] = await app.redis.xrevrange("redrive:audit", "+", "-", "COUNT", 1);
      expect(JSON.parse(latest![1][1]!)).toMatchObject({
        action: "requeue",
        result: "ok",
        detail: expect.stringContaining("0 of 1 replicas confirmed it within 300 ms"),
      });
    } finally {
      replica.process.kill("SIGCONT");
    }
  });
});
