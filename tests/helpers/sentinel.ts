import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Redis from "ioredis";
import { freePort, startEmbeddedRedis, type EmbeddedRedis } from "@/scripts/embedded-redis";
import { killOnExit } from "@/scripts/processes";
import { until } from "./until";

/**
 * A Sentinel set on loopback: one master, one replica and three sentinels
 * (quorum 2) watching them, failing over one second after the master stops
 * answering. Sentinels rewrite their config files, so each gets its own in a
 * temporary directory.
 */
export const MASTER_NAME = "mymaster";

export interface SentinelSet {
  master: EmbeddedRedis;
  replica: EmbeddedRedis;
  sentinels: { port: number; process: ChildProcess }[];
  /** REDIS_SENTINELS's value. */
  sentinelList: string;
  /** The master's port as the sentinels report it now. */
  currentMasterPort(): Promise<number>;
  /** The redis-server process listening on `port` (the master or the replica). */
  processOn(port: number): ChildProcess | undefined;
  /** Waits until the other server is a synced replica of the master on `port`. */
  waitForReplicaOf(port: number): Promise<void>;
  /** Waits until the sentinels report a master other than `port`. */
  waitForNewMaster(port: number, timeoutMs?: number): Promise<number>;
  stop(): Promise<void>;
}

async function startSentinel(dir: string, masterPort: number, i: number) {
  const port = await freePort();
  const file = join(dir, `sentinel-${i}.conf`);
  writeFileSync(
    file,
    [
      `port ${port}`,
      "bind 127.0.0.1",
      `dir ${dir}`,
      `sentinel monitor ${MASTER_NAME} 127.0.0.1 ${masterPort} 2`,
      `sentinel down-after-milliseconds ${MASTER_NAME} 1000`,
      `sentinel failover-timeout ${MASTER_NAME} 5000`,
      "",
    ].join("\n"),
  );
  const child = spawn("redis-server", [file, "--sentinel"], {
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  killOnExit(child);
  await new Promise<void>((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`sentinel did not start:\n${out}`)), 10_000);
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      if (out.includes("+monitor master")) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  child.stdout!.resume();
  return { port, process: child };
}

/** Whether the sentinel on `port` lists a replica that it sees as up. */
async function knowsReplica(port: number): Promise<boolean> {
  const s = new Redis(port, "127.0.0.1", { maxRetriesPerRequest: 1 });
  try {
    const replicas = (await s.call("SENTINEL", "REPLICAS", MASTER_NAME)) as string[][];
    return replicas.some((fields) => {
      const flags = fields[fields.indexOf("flags") + 1] ?? "";
      return flags === "slave";
    });
  } finally {
    s.disconnect();
  }
}

async function askSentinel(port: number): Promise<number> {
  const s = new Redis(port, "127.0.0.1", { maxRetriesPerRequest: 1 });
  try {
    const reply = (await s.call("SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER_NAME)) as string[];
    return Number(reply[1]);
  } finally {
    s.disconnect();
  }
}

/** Waits until the replica on `port` has synced with its master (its link is up). */
export async function linkUp(port: number, timeoutMs = 20_000): Promise<void> {
  const client = new Redis(port, "127.0.0.1", { maxRetriesPerRequest: 1 });
  try {
    const synced = async () => (await client.info("replication")).includes("master_link_status:up");
    await until(synced, "the replica's sync", timeoutMs);
  } finally {
    client.disconnect();
  }
}

export async function startSentinelSet(): Promise<SentinelSet> {
  const dir = mkdtempSync(join(tmpdir(), "redrive-sentinel-"));
  // No 5 s wait for more replicas before the first (diskless) sync.
  const master = await startEmbeddedRedis("redis-server", ["--repl-diskless-sync-delay", "0"]);
  const replica = await startEmbeddedRedis("redis-server", [
    "--replicaof",
    "127.0.0.1",
    String(master.port),
  ]);
  // A failover to a replica that never synced would lose everything: wait for its link.
  await linkUp(replica.port);
  const sentinels: SentinelSet["sentinels"] = [];
  for (let i = 0; i < 3; i++) sentinels.push(await startSentinel(dir, master.port, i));
  // Sentinels learn of replicas from the master's INFO, some time after they start: a
  // SENTINEL FAILOVER before then answers NOGOODSLAVE.
  for (const s of sentinels)
    await until(() => knowsReplica(s.port), "the sentinels to see the replica");
  const set: SentinelSet = {
    master,
    replica,
    sentinels,
    sentinelList: sentinels.map((s) => `127.0.0.1:${s.port}`).join(","),
    currentMasterPort: () => askSentinel(sentinels[0]!.port),
    processOn: (port) => [master, replica].find((r) => r.port === port)?.process,
    waitForReplicaOf: (port) => linkUp(port === master.port ? replica.port : master.port),
    async waitForNewMaster(port, timeoutMs = 30_000) {
      const moved = async () => {
        const now = await set.currentMasterPort();
        return now !== port && now;
      };
      return until(moved, "a failover", timeoutMs, 100);
    },
    async stop() {
      for (const s of sentinels) s.process.kill("SIGKILL");
      await Promise.all([master.stop(), replica.stop()]);
    },
  };
  return set;
}
