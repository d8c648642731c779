import { cacheStatsKey } from "../lib/cache/counters";
import type { QueueEngine } from "../lib/queues/engine";
import type { Tally } from "./tally";

/**
 * The demo's 10-second report: what the simulator did in the interval, each
 * queue's lengths, and the cache's hit rate from Redrive's own counters (the
 * figure the dashboard shows).
 */
const n = (v: number, width: number) => String(v).padStart(width);

export class Reporter {
  private lastCache: [number, number] | null = null;
  private lastAt = Date.now();

  constructor(
    private readonly engine: QueueEngine,
    private readonly tally: Tally,
  ) {}

  /** Sums of every namespace's hits and misses so far. */
  private async cacheCounters(): Promise<[number, number]> {
    const all = await this.engine.ctx.redis.hgetall(cacheStatsKey(this.engine.ctx.config));
    let hits = 0;
    let misses = 0;
    for (const [field, value] of Object.entries(all)) {
      if (field.endsWith(":hits")) hits += Number(value) || 0;
      else if (field.endsWith(":misses")) misses += Number(value) || 0;
    }
    return [hits, misses];
  }

  private async cacheLine(reads: number, invalidations: number, seconds: number) {
    const now = await this.cacheCounters();
    const before = this.lastCache ?? [0, 0];
    this.lastCache = now;
    const hits = now[0] - before[0];
    const misses = now[1] - before[1];
    const rate =
      hits + misses > 0 ? `${((100 * hits) / (hits + misses)).toFixed(1)} % hits` : "no reads";
    return `cache: ${reads} reads in ${seconds} s, ${rate}, ${invalidations} keys invalidated`;
  }

  async lines(): Promise<string[]> {
    const seconds = Math.round((Date.now() - this.lastAt) / 1000);
    this.lastAt = Date.now();
    const { queues, cache } = this.tally.take();
    const stats = await this.engine.getStats();
    const width = Math.max(...stats.map((s) => s.queue.length));
    const lines = stats.map((s) => {
      const t = queues.get(s.queue) ?? { produced: 0, done: 0, retried: 0, deadLettered: 0 };
      return (
        `${s.queue.padEnd(width)}  work ${n(s.work, 4)}  processing ${n(s.processing, 2)}  ` +
        `retry ${n(s.retry, 4)}  dlq ${n(s.dlq, 5)}   last ${seconds} s: ${n(t.produced, 4)} in, ` +
        `${n(t.done, 4)} done, ${n(t.retried, 3)} retried, ${n(t.deadLettered, 2)} dead-lettered`
      );
    });
    lines.push(await this.cacheLine(cache.reads, cache.invalidations, seconds));
    return lines;
  }
}
