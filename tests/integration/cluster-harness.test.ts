import { afterAll, beforeAll, describe, expect, it } from "vitest";
import Redis from "ioredis";
import { startLocalCluster, type LocalCluster } from "../helpers/cluster";

/** The harness the Cluster suites will run on (work in progress: issue 13). */
let cluster: LocalCluster;

beforeAll(async () => {
  cluster = await startLocalCluster();
}, 60_000);

afterAll(async () => {
  await cluster?.stop();
});

describe("a local Redis Cluster", () => {
  it("should serve keys of every slot through an ioredis Cluster client when three masters share them", async () => {
    const [host, port] = cluster.nodeList.split(",")[0]!.split(":");
    const client = new Redis.Cluster([{ host: host!, port: Number(port) }]);
    try {
      for (const q of ["document", "audio", "video", "graph"]) {
        await client.lpush(`{${q}}_dlq`, "x");
      }
      const owner = await cluster.masterFor("{graph}_dlq");
      expect(await owner.llen("{graph}_dlq")).toBe(1);
      owner.disconnect();
      const masters = client.nodes("master");
      expect(masters).toHaveLength(3);
    } finally {
      client.disconnect();
    }
  });
});
