import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Redis from "ioredis";
import { startEmbeddedRedis, type EmbeddedRedis } from "./embedded-redis";

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
  /** Starts every node again after `stop` (a whole-Cluster outage). */
  restart(): Promise<void>;
  /** The nodes that are masters now (a failover changes which). */
  masters(): Promise<EmbeddedRedis[]>;
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

/** CLUSTER NODES as asked of the first node that answers: one array of fields per node. */
async function clusterNodes(nodes: EmbeddedRedis[]): Promise<string[][]> {
  for (const n of nodes) {
    const client = new Redis(n.port, "127.0.0.1", {
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    client.on("error", () => undefined);
    try {
      const text = String(await client.call("CLUSTER", "NODES"));
      return text
        .trim()
        .split("\n")
        .map((l) => l.split(" "));
    } catch {
      // That node is down: ask the next.
    } finally {
      client.disconnect();
    }
  }
  throw new Error("no cluster node answers");
}

/** One node's arguments: Cluster mode, its own directory for nodes.conf, a short failover timeout. */
function nodeArgs(): string[] {
  const dir = mkdtempSync(join(tmpdir(), "redrive-cluster-"));
  const config = join(dir, "nodes.conf");
  return [
    "--cluster-enabled",
    "yes",
    "--cluster-config-file",
    config,
    "--cluster-node-timeout",
    "2000",
    "--dir",
    dir,
  ];
}

const portOf = (address: string) => Number(address.split(":")[1]!.split("@")[0]);

/** Starts the six nodes and joins them (`npm run demo -- --cluster`, the Cluster tests). */
export async function startLocalCluster(bin = "redis-server"): Promise<LocalCluster> {
  const args = Array.from({ length: 6 }, nodeArgs);
  const nodes: EmbeddedRedis[] = [];
  for (const a of args) nodes.push(await startEmbeddedRedis(bin, a));
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
    masterFor: (key, avoidPort) => masterFor(nodes, key, avoidPort),
    async masters() {
      const fields = await clusterNodes(nodes);
      const up = fields.filter((f) => f[2]!.includes("master") && !f[2]!.includes("fail"));
      const ports = up.map((f) => portOf(f[1]!));
      return nodes.filter((n) => ports.includes(n.port));
    },
    async replicaOf(port) {
      const fields = await clusterNodes(nodes);
      const master = fields.find((f) => f[1]!.startsWith(`127.0.0.1:${port}@`))!;
      const replica = fields.find((f) => f[3] === master[0])!;
      return nodes.find((n) => n.port === portOf(replica[1]!))!;
    },
    async stop() {
      await Promise.all(nodes.map((n) => n.stop()));
    },
    async restart() {
      // Each node on its port again; nodes.conf brings the Cluster back (the data is gone).
      for (let i = 0; i < nodes.length; i++) {
        nodes[i] = await startEmbeddedRedis(bin, args[i]!, nodes[i]!.port);
      }
      await Promise.all(nodes.map((n) => clusterOk(n.port)));
    },
  };
}

/** The master serving `key`'s slot, asked of a node that is up (`avoidPort` may be dead). */
async function masterFor(nodes: EmbeddedRedis[], key: string, avoidPort?: number): Promise<Redis> {
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
}
