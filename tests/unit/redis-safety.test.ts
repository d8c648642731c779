import { describe, expect, it } from "vitest";
import { isRedisUnavailable, writeRefusalOf } from "@/lib/redis/errors";
import { safetyOf } from "@/lib/redis/safety";

function codes(info: Record<string, string>): string[] {
  return safetyOf(info).warnings.map((w) => w.code);
}

class ReplyError extends Error {
  override name = "ReplyError";
}

describe("the queue Redis' safety from INFO", () => {
  it("should warn of a Redis older than 6.2 and of no version Redrive runs on", () => {
    const version = (v: string) => codes({ redis_version: v, maxmemory_policy: "noeviction" });
    expect(version("6.0.16")).toEqual(["REDIS_VERSION"]);
    expect(version("5.0.14")).toEqual(["REDIS_VERSION"]);
    for (const ok of ["6.2.0", "6.2.14", "7.0.15", "7.2.4", "8.0.0", "10.1.2"]) {
      expect(version(ok)).toEqual([]);
    }
    // A version INFO does not give cannot be judged: no warning rather than a false one.
    expect(version("")).toEqual([]);
    expect(safetyOf({ redis_version: "6.0.16" }).warnings[0]?.message).toContain("LMOVE");
  });

  it("should call only noeviction safe", () => {
    expect(codes({ maxmemory_policy: "noeviction", maxmemory: "0", used_memory: "1000" })).toEqual(
      [],
    );
    for (const policy of ["allkeys-lru", "allkeys-lfu", "allkeys-random"]) {
      const [w] = safetyOf({ maxmemory_policy: policy }).warnings;
      expect(w?.code).toBe("EVICTION_POLICY");
      expect(w?.message).toContain("whole work lists and dead-letter queues");
    }
    for (const policy of ["volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl"]) {
      const [w] = safetyOf({ maxmemory_policy: policy }).warnings;
      expect(w?.message).toContain("metadata hashes first");
    }
  });

  it("should say memory is full near maxmemory under noeviction, not before", () => {
    const at = (used: number) =>
      codes({ maxmemory_policy: "noeviction", maxmemory: "1000000", used_memory: String(used) });
    expect(at(900_000)).toEqual([]);
    expect(at(990_000)).toEqual(["MEMORY_FULL"]);
  });

  it("should say persistence is failing after a failed AOF write or RDB save", () => {
    const base = { maxmemory_policy: "noeviction", aof_enabled: "1" };
    expect(codes({ ...base, aof_last_write_status: "ok", rdb_last_bgsave_status: "ok" })).toEqual(
      [],
    );
    expect(codes({ ...base, aof_last_write_status: "err" })).toEqual(["PERSISTENCE_FAILING"]);
    expect(codes({ ...base, rdb_last_bgsave_status: "err" })).toEqual(["PERSISTENCE_FAILING"]);
    expect(safetyOf(base).aofEnabled).toBe(true);
  });

  it("should tell a refused write from any other Redis error", () => {
    const oom = new ReplyError("OOM command not allowed when used memory > 'maxmemory'.");
    expect(writeRefusalOf(oom)).toBe("REDIS_OOM");
    expect(writeRefusalOf(new ReplyError("MISCONF Errors writing to the AOF file"))).toBe(
      "REDIS_MISCONF",
    );
    expect(
      writeRefusalOf(new ReplyError("READONLY You can't write against a read only replica.")),
    ).toBe("REDIS_READONLY");
    expect(writeRefusalOf(new ReplyError("ERR unknown command"))).toBeNull();
    expect(writeRefusalOf(new Error("OOM command not allowed"))).toBeNull();
  });
});

describe("isRedisUnavailable", () => {
  it("should know ioredis' errors by message, whatever a bundler renamed their class to", () => {
    class i extends Error {}
    const retries = new i(
      'Reached the max retries per request limit (which is 1). Refer to "maxRetriesPerRequest" option for details.',
    );
    expect(isRedisUnavailable(retries)).toBe(true);
    expect(
      isRedisUnavailable(new ReplyError("LOADING Redis is loading the dataset in memory")),
    ).toBe(true);
    expect(isRedisUnavailable(new ReplyError("ERR syntax error"))).toBe(false);
  });
});
