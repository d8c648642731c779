import { describe, expect, it } from "vitest";
import { mergeInfo } from "@/lib/redis/info";

/** INFO of a Cluster's masters as one record (lib/redis/info.ts). */
const master = (fields: Record<string, string>) => ({
  redis_version: "7.0.15",
  maxmemory_policy: "noeviction",
  aof_last_write_status: "ok",
  uptime_in_seconds: "100",
  ...fields,
});

describe("mergeInfo", () => {
  it("should sum memory, hits and keys over the masters when each holds a share", () => {
    const merged = mergeInfo([
      master({ used_memory: "100", keyspace_hits: "5", db0: "keys=10,expires=2,avg_ttl=1000" }),
      master({ used_memory: "50", keyspace_hits: "7", db0: "keys=5,expires=2,avg_ttl=3000" }),
    ]);
    expect(merged).toMatchObject({
      used_memory: "150",
      keyspace_hits: "12",
      db0: "keys=15,expires=4,avg_ttl=2000",
    });
  });

  it("should show the most alarming setting when one master differs from the others", () => {
    const merged = mergeInfo([
      master({ uptime_in_seconds: "500" }),
      master({ maxmemory_policy: "allkeys-lru", aof_last_write_status: "err" }),
      master({ redis_version: "6.2.1", uptime_in_seconds: "20" }),
    ]);
    expect(merged).toMatchObject({
      maxmemory_policy: "allkeys-lru",
      aof_last_write_status: "err",
      redis_version: "6.2.1",
      uptime_in_seconds: "20",
    });
  });

  it("should call the whole unlimited when one master has no maxmemory", () => {
    expect(mergeInfo([master({ maxmemory: "100" }), master({ maxmemory: "0" })]).maxmemory).toBe(
      "0",
    );
    expect(mergeInfo([master({ maxmemory: "100" }), master({ maxmemory: "50" })]).maxmemory).toBe(
      "150",
    );
  });

  it("should return one server's INFO unchanged when there is one", () => {
    const one = master({ used_memory: "7" });
    expect(mergeInfo([one])).toEqual(one);
  });
});
