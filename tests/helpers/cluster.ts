import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Redis from "ioredis";
import { startEmbeddedRedis, type EmbeddedRedis } from "@/scripts/embedded-redis";

/**
 * A Redis Cluster on loopback: three masters and three replicas, made with
 * `redis-cli --cluster create` (Debian's redis-tools), each node in its own
 * directory for its nodes.conf.
 */
export interface LocalCluster {
  nodes: EmbeddedRedis[];
  /** REDIS_CLUSTER_NODES's value: every node's host:port. */
  nodeList: string;
  /** The master serving `key`'s slot, as a plain client (the test's way to look at a key). */
  masterFor(key: string, avoidPort?: number): Promise<Redis>;
  /** The node replicating the master on `port`. */
  replicaOf(port: number): Promise<EmbeddedRedis>;
  stop(): Promise<void>;
}

async function clusterOk(port: number, timeoutMs = 30_000): Promise<void> {
  const client = new Redis(port, "127.0.0.1", { maxRetriesPerRequest: 1 });
  try {
    const until = Date.now() + timeoutMs;
    while (!String(await client.call("CLUSTER", "INFO")).includes("cluster_state:ok")) {
      if (Date.now() > until) throw new Error("the cluster did not come up");
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    client.disconnect();
  }
}

/** Until a master's replica is in sync (WAIT counts only those), or at once for a replica. */
async function replicasOnline(port: number, timeoutMs = 30_000): Promise<void> {
  const client = new Redis(port, "127.0.0.1", { maxRetriesPerRequest: 1 });
  try {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const info = String(await client.info("replication"));
      if (info.includes("role:slave") || /slave0:[^\r]*state=online/.test(info)) return;
      if (Date.now() > until) throw new Error(`the replica of :${port} did not come online`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    client.disconnect();
  }
}

export async function startLocalCluster(): Promise<LocalCluster> {
  const nodes: EmbeddedRedis[] = [];
  for (let i = 0; i < 6; i++) {
    const dir = mkdtempSync(join(tmpdir(), "redrive-cluster-"));
    nodes.push(
      await startEmbeddedRedis("redis-server", [
        "--cluster-enabled",
        "yes",
        "--cluster-config-file",
        join(dir, "nodes.conf"),
        "--cluster-node-timeout",
        "2000",
        "--dir",
        dir,
      ]),
    );
  }
  const addresses = nodes.map((n) => `127.0.0.1:${n.port}`);
  execFileSync(
    "redis-cli",
    ["--cluster", "create", ...addresses, "--cluster-replicas", "1", "--cluster-yes"],
    { stdio: "ignore" },
  );
  await Promise.all(nodes.map((n) => clusterOk(n.port)));
  await Promise.all(nodes.map((n) => replicasOnline(n.port)));
  return {
    nodes,
    nodeList: addresses.join(","),
    async masterFor(key, avoidPort) {
      // Asked of a node that is up: `avoidPort` names one that may be dead.
      const ask = nodes.find((n) => n.port !== avoidPort)!;
      const any = new Redis(ask.port, "127.0.0.1", { maxRetriesPerRequest: 1 });
      try {
        const slot = Number(await any.call("CLUSTER", "KEYSLOT", key));
        const ranges = (await any.call("CLUSTER", "SLOTS")) as [number, number, [string, number]][];
        const owner = ranges.find(([from, to]) => slot >= from && slot <= to)!;
        return new Redis(owner[2][1], owner[2][0], { maxRetriesPerRequest: 1 });
      } finally {
        any.disconnect();
      }
    },
    async replicaOf(port) {
      const any = new Redis(nodes[0]!.port, "127.0.0.1", { maxRetriesPerRequest: 1 });
      try {
        const lines = String(await any.call("CLUSTER", "NODES"))
          .trim()
          .split("\n");
        const fields = lines.map((l) => l.split(" "));
        const master = fields.find((f) => f[1]!.startsWith(`127.0.0.1:${port}@`))!;
        const replica = fields.find((f) => f[3] === master[0])!;
        const replicaPort = Number(replica[1]!.split(":")[1]!.split("@")[0]);
        return nodes.find((n) => n.port === replicaPort)!;
      } finally {
        any.disconnect();
      }
    },
    async stop() {
      await Promise.all(nodes.map((n) => n.stop()));
    },
  };
}
