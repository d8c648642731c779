import { describe, expect, it } from "vitest";
import { redisKillDuringApiBurst } from "@/chaos/scenarios/redis-kill-api";

// The production dashboard (npm start) and a redis-server with an append-only
// file, SIGKILLed and restarted in the middle of a burst of one-message requeues.
describe("redis-server killed during a burst of API requeues", () => {
  it("should answer 503 (never 500) until Redis is back, then requeue every message exactly once", async () => {
    const r = await redisKillDuringApiBurst("always", 150);
    expect(r.other).toEqual([]);
    expect(r.requeued).toBe(150);
    expect(r.census).toMatchObject({ work: 150, dlq: 0, lost: 0, duplicated: 0, unknown: 0 });
  }, 120_000);
});
