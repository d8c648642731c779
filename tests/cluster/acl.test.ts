import Redis from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { clearCache } from "@/lib/cache/clear";
import { inspectCache } from "@/lib/cache/inspect";
import { recordSample, takeSample } from "@/lib/metrics/history";
import { QueueEngine } from "@/lib/queues/engine";
import { aclSetUserArgs } from "@/lib/redis-acl";
import { readRedisSafety } from "@/lib/redis/safety";
import { defineScripts } from "@/lib/redis/scripts";
import { aclDenials } from "../helpers/acl";
import { qk, setMany } from "../helpers/cluster-mode";
import { testConfig, useRedis } from "../helpers/redis";

/**
 * The least-privilege user on a Cluster: `npm run redis-acl`'s line (with
 * REDIS_CLUSTER_NODES set it adds what a Cluster client sends of its own) on
 * every node, and Redrive's engine, cache page and history as that user.
 */
const r = useRedis();
const clients: Redis[] = [];

afterAll(() => clients.forEach((c) => c.disconnect()));

/** Each node, as the default user (ACL SETUSER and ACL LOG are per node). */
function eachNode(): Redis[] {
  const nodes = r.cluster!.nodes.map((n) => new Redis(n.port, "127.0.0.1"));
  clients.push(...nodes);
  return nodes;
}

async function restrictedEngine(): Promise<QueueEngine> {
  const args = aclSetUserArgs(r.config, "redrive", "pw");
  await Promise.all(eachNode().map((n) => n.call("ACL", "SETUSER", ...args)));
  const nodes = r.cluster!.nodeList.split(",").map((hp) => {
    const [host, port] = hp.split(":");
    return { host: host!, port: Number(port) };
  });
  const cluster = new Redis.Cluster(nodes, {
    redisOptions: { username: "redrive", password: "pw", disableClientInfo: true },
  });
  defineScripts(cluster);
  await new Promise((resolve) => cluster.once("ready", resolve));
  return new QueueEngine(cluster, r.config, () => r.clock.now);
}

describe("a least-privilege user on a Cluster", () => {
  it("should grant the Cluster's own commands only when REDIS_CLUSTER_NODES is set", () => {
    expect(aclSetUserArgs(r.config, "u", "p")).toContain("+cluster|slots");
    // Sent when the seed list names a replica: ioredis marks that connection READONLY.
    expect(aclSetUserArgs(r.config, "u", "p")).toContain("+readonly");
    expect(aclSetUserArgs(testConfig(), "u", "p")).not.toContain("+cluster|slots");
  });

  it("should move, read, sample and clear with no command or key refused on any node", async () => {
    const engine = await restrictedEngine();
    const redis = engine.ctx.redis;
    for (let i = 0; i < 20; i++) {
      await engine.pushToDlq("document", { id: `m${i}`, job_id: `j${i}` }, new Error("x"), 3);
    }
    const page = await engine.getDlqMessages("document", 0, 10);
    await engine.requeueFromDlq("document", page[0]!.index, page[0]!.identity);
    await engine.requeueAll("document");
    await setMany(r.redis, ["user:1", "job:status:a", "graph:j:x"], "{}");
    await inspectCache(redis, r.config, { maxAgeSeconds: 0 });
    await clearCache(redis, r.config);
    await recordSample(engine.ctx, await takeSample(engine.ctx));
    await readRedisSafety(redis);
    await engine.getStats();
    expect(await r.redis.llen(qk("document_queue"))).toBe(20);
    const denials = (await Promise.all(eachNode().map((n) => aclDenials(n)))).flat();
    expect(denials).toEqual([]);
    redis.disconnect();
  });
});
