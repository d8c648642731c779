import { describe, expect, it } from "vitest";
import { redisKillDuringTask } from "@/chaos/scenarios/redis-kill-task";

// A real redis-server with an append-only file, SIGKILLed while the real worker
// service runs a requeue-all task, then started again from its file.
describe("redis-server killed during a requeue-all task", () => {
  // Python-written entries go through Node.js in windows; Redrive-written ones
  // are moved in Redis with a second requeueTail call queued behind the running
  // one, so the kill can cut a call that was sent and not yet answered.
  it.each(["python", "redrive"] as const)(
    "should finish the task by itself with every job id in the work list exactly once when the entries are %s-written",
    async (writer) => {
      const r = await redisKillDuringTask("always", 20_000, 0.3, writer);
      expect(r.taskState).toBe("done");
      expect(r.movedAtKill).toBeLessThan(20_000);
      expect(r.census).toMatchObject({ work: 20_000, dlq: 0, lost: 0, duplicated: 0, unknown: 0 });
    },
    120_000,
  );
});
