import { describe, expect, it } from "vitest";
import { redisKillDuringTask } from "@/chaos/scenarios/redis-kill-task";

// A real redis-server with an append-only file, SIGKILLed while the real worker
// service runs a requeue-all task, then started again from its file.
describe("redis-server killed during a requeue-all task", () => {
  it("should finish the task by itself with every job id in the work list exactly once", async () => {
    const r = await redisKillDuringTask("always", 20_000);
    expect(r.taskState).toBe("done");
    expect(r.movedAtKill).toBeLessThan(20_000);
    expect(r.census).toMatchObject({ work: 20_000, dlq: 0, lost: 0, duplicated: 0, unknown: 0 });
  }, 120_000);
});
