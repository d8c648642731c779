import { describe, expect, it } from "vitest";
import { redisEvicts } from "@/chaos/scenarios/redis-evicts";

// A real redis-server at its maxmemory with a policy the README calls unsafe for
// the queue Redis, while producers keep writing: what the warning is about.
describe("a queue Redis whose maxmemory-policy evicts", () => {
  it("should keep every dead letter but lose metadata hashes when the policy is volatile-lru", async () => {
    const r = await redisEvicts("volatile-lru");
    expect(r.shown).toContain("EVICTION_POLICY");
    expect(r.evictedKeys).toBeGreaterThan(0);
    // Only keys with a TTL are evicted: the hashes go, the lists stay.
    expect(r.deadLetters.after).toBe(r.deadLetters.before);
    expect(r.metadataHashes.after).toBeLessThan(r.metadataHashes.before);
    expect(r.census.lost).toBe(0);
  }, 120_000);
});
