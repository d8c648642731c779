import type { RedisClient } from "../../lib/redis/client";

/**
 * The Python backend's own retry worker as the quick-start guide has it: read
 * the due retries (get_ready_retries), push each to the work list, remove it
 * from the retry set. Not atomic: beside a second promoter of the same queue,
 * a message read by both is pushed twice, which is why REDRIVE_WORKER_ROLES
 * lets exactly one side own promotion.
 */
export interface PythonPromoter {
  /** get_ready_retries: up to `limit` members due at `now`, soonest first. */
  ready(now: number, limit?: number): Promise<Buffer[]>;
  /** The push half: LPUSH to the work list, then ZREM from the retry set. */
  push(members: Buffer[]): Promise<void>;
  /** One pass of the Python loop: every due retry, 100 at a time. Returns how many it pushed. */
  runOnce(now: number): Promise<number>;
}

export function pythonPromoter(
  redis: RedisClient,
  retryKey: string,
  workKey: string,
): PythonPromoter {
  const ready = (now: number, limit = 100) =>
    redis.zrangebyscoreBuffer(retryKey, "-inf", now, "LIMIT", 0, limit);
  const push = async (members: Buffer[]) => {
    for (const member of members) {
      await redis.lpush(workKey, member);
      await redis.zrem(retryKey, member);
    }
  };
  return {
    ready,
    push,
    async runOnce(now) {
      let total = 0;
      for (;;) {
        const due = await ready(now);
        if (due.length === 0) return total;
        await push(due);
        total += due.length;
      }
    },
  };
}
