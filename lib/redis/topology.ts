import { isCluster, masters, type RedisClient } from "./client";
import { z } from "zod";
import type { Config } from "../config";
import { ownKey, type KeyPrefix } from "../own-keys";
import { runScript } from "./scripts";

/**
 * Which server is the queue Redis's master, and since when. Through Sentinel
 * the master moves on a failover and every client follows it by itself; the
 * dashboard shows where it is and when it last moved, so an admin reading a
 * surprising page knows a failover happened. Each process records the master
 * it reached when its connection becomes ready (noteMaster-1.lua); a change
 * is stored with Redis's own time in `<prefix>:topology`.
 */
export const topologyKey = (c: KeyPrefix) => ownKey(c, "topology");

export const TopologySchema = z.strictObject({
  mode: z.enum(["standalone", "sentinel", "cluster"]),
  master: z
    .string()
    .describe(
      "host:port of the master as the dashboard reached it; empty while unknown, and on a Cluster (see masters).",
    ),
  masters: z
    .array(z.string())
    .describe(
      "On a Cluster, host:port of each master the client knows (a failover changes them); else the master alone.",
    ),
  since: z
    .number()
    .nullable()
    .describe("When Redrive first saw this master, epoch seconds (Sentinel only)."),
  previous: z.string().nullable().describe("The master before it; null if none was recorded."),
});
export type Topology = z.infer<typeof TopologySchema>;

/** The address the client is connected to, as host:port; "" while disconnected. */
export function connectedAddress(redis: RedisClient): string {
  const stream = (redis as unknown as { stream?: { remoteAddress?: string; remotePort?: number } })
    .stream;
  if (!stream?.remoteAddress || !stream.remotePort) return "";
  const host = stream.remoteAddress.includes(":")
    ? `[${stream.remoteAddress}]`
    : stream.remoteAddress;
  return `${host}:${stream.remotePort}`;
}

function modeOf(config: Config): Topology["mode"] {
  if (config.REDIS_CLUSTER_NODES) return "cluster";
  return config.REDIS_SENTINELS ? "sentinel" : "standalone";
}

/** Records the master on every (re)connection of a Sentinel client; a no-op otherwise. */
export function recordMasterChanges(redis: RedisClient, config: Config): void {
  if (modeOf(config) !== "sentinel") return;
  const note = () => {
    const address = connectedAddress(redis);
    if (address)
      void runScript(redis, "noteMaster", [topologyKey(config)], [address]).catch(() => undefined);
  };
  redis.on("ready", note);
  if (redis.status === "ready") note();
}

/** Where the master is now and when it last changed. */
export async function readTopology(redis: RedisClient, config: Config): Promise<Topology> {
  if (isCluster(redis)) {
    const list = masters(redis).map((m) => `${m.options.host}:${m.options.port}`);
    return { mode: "cluster", master: "", masters: list.sort(), since: null, previous: null };
  }
  const master = connectedAddress(redis);
  const known = master ? [master] : [];
  if (modeOf(config) === "standalone")
    return { mode: "standalone", master, masters: known, since: null, previous: null };
  const [stored, since, previous] = await redis.hmget(
    topologyKey(config),
    "master",
    "since",
    "previous",
  );
  return {
    mode: "sentinel",
    master,
    masters: known,
    // Another process may have seen a newer master first; ours is what this dashboard reads.
    since: stored === master && since ? Number(since) : null,
    previous: stored === master && previous ? previous : null,
  };
}
