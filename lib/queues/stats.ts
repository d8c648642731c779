import { keysOf, nowSeconds, type EngineContext } from "./context";
import { failedAtOf } from "./message";
import { execAll } from "./pipeline";
import type { QueueStats } from "./types";

const PER_QUEUE = 7;

/** Every configured queue's figures in one round trip (one pipeline). */
export async function getStats(ctx: EngineContext): Promise<QueueStats[]> {
  const now = nowSeconds(ctx);
  const queues = ctx.config.QUEUES;
  const pipeline = ctx.redis.pipeline();
  for (const q of queues) {
    const k = keysOf(ctx, q);
    pipeline
      .llen(k.work)
      .llen(k.processing)
      .zcard(k.retry)
      .zcount(k.retry, "-inf", now)
      .zrange(k.retry, "0", "0", "WITHSCORES")
      .llen(k.dlq)
      .lindexBuffer(k.dlq, -1);
  }
  const replies = await execAll(pipeline);
  return queues.map((queue, i) => {
    const r = replies.slice(i * PER_QUEUE, (i + 1) * PER_QUEUE);
    const next = r[4] as string[];
    const oldest = r[6] as Buffer | null;
    const oldestAt = oldest ? failedAtOf(oldest) : null;
    return {
      queue,
      work: Number(r[0]),
      processing: Number(r[1]),
      retry: Number(r[2]),
      retryDue: Number(r[3]),
      nextRetryAt: next.length === 2 ? Number(next[1]) : null,
      dlq: Number(r[5]),
      oldestDlqAt: oldestAt,
      oldestDlqAgeSeconds: oldestAt === null ? null : Math.max(0, now - oldestAt),
    };
  });
}
