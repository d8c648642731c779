import { describe, expect, it } from "vitest";
import { consumerDeaths } from "@/chaos/scenarios/consumer-deaths";
import { redisKillDuringTraffic } from "@/chaos/scenarios/redis-kill-traffic";
import { workerKillDuringPromotion } from "@/chaos/scenarios/worker-kill";

/**
 * The fault scenarios of npm run chaos that finish in seconds, on real
 * processes: a redis-server with an append-only file, the worker service,
 * producers and consumers.
 */
describe("faults under traffic", () => {
  it("should deliver every acknowledged retry exactly once when redis-server is SIGKILLed mid-traffic (appendfsync always)", async () => {
    const r = await redisKillDuringTraffic("always", 1_500);
    expect(r.census.produced).toBeGreaterThan(100);
    expect(r.census).toMatchObject({ lost: 0, duplicated: 0, unknown: 0, retry: 0, work: 0 });
    expect(r.census.delivered).toBe(r.census.produced);
  }, 120_000);

  it("should promote every due retry once when one of two worker services is SIGKILLed mid-promotion", async () => {
    const r = await workerKillDuringPromotion(20_000);
    expect(r.census).toMatchObject({ work: 20_000, retry: 0, lost: 0, duplicated: 0 });
  }, 120_000);

  it("should return and deliver every message once when consumers die holding them, 100 times", async () => {
    const r = await consumerDeaths(100);
    expect(r.recovered).toBe(100);
    expect(r.census).toMatchObject({ produced: 200, delivered: 200, lost: 0, duplicated: 0 });
  }, 120_000);
});
