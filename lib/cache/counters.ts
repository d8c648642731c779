import type { RedisClient } from "../redis/client";
import { ownKey, type KeyPrefix } from "../own-keys";

/**
 * Hit and miss counts per namespace, shared by every process that uses the
 * cache. The protocol, small enough for any client to follow:
 *
 *   HASH <prefix>:cache:stats (REDRIVE_KEY_PREFIX, `redrive` by default)
 *     field "<namespace>:hits"   HINCRBY by the hits seen since the last flush
 *     field "<namespace>:misses" HINCRBY by the misses seen since the last flush
 *
 * <namespace> is a name from NAMESPACES (user, job_status, doc_summary,
 * vector_search, graph, user_lists) or "other". Counters only grow; readers
 * take differences between two readings for rates. Each process counts in
 * memory and flushes with one pipeline per interval, so a read costs no extra
 * round trip.
 */
export const cacheStatsKey = (c: KeyPrefix) => ownKey(c, "cache:stats");

export type Outcome = "hits" | "misses";

export class Counters {
  /** namespace -> counts since the last flush (a plain object per namespace: this is the hot path). */
  private counts = new Map<string, Record<Outcome, number>>();
  private timer: NodeJS.Timeout | undefined;

  private readonly key: string;

  constructor(
    private readonly redis: RedisClient,
    flushMs: number,
    config: KeyPrefix,
  ) {
    this.key = cacheStatsKey(config);
    this.timer = setInterval(() => void this.flush(), flushMs);
    this.timer.unref();
  }

  count(namespace: string, outcome: Outcome, n = 1): void {
    let c = this.counts.get(namespace);
    if (!c) {
      c = { hits: 0, misses: 0 };
      this.counts.set(namespace, c);
    }
    c[outcome] += n;
  }

  /** Writes what was counted since the last flush; on failure keeps it for the next one. */
  async flush(): Promise<void> {
    if (this.counts.size === 0) return;
    const batch = this.counts;
    this.counts = new Map();
    const pipeline = this.redis.pipeline();
    for (const [ns, c] of batch) {
      if (c.hits) pipeline.hincrby(this.key, `${ns}:hits`, c.hits);
      if (c.misses) pipeline.hincrby(this.key, `${ns}:misses`, c.misses);
    }
    try {
      const results = await pipeline.exec();
      if (results?.some(([err]) => err)) throw new Error("HINCRBY failed");
    } catch {
      for (const [ns, c] of batch) {
        this.count(ns, "hits", c.hits);
        this.count(ns, "misses", c.misses);
      }
    }
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.flush();
  }
}

/** Reads the shared counters: namespace -> {hits, misses}. The hash is bounded (2 fields a namespace). */
export async function readCounters(
  redis: RedisClient,
  config: KeyPrefix,
): Promise<Record<string, { hits: number; misses: number }>> {
  const [, flat] = await redis.hscan(cacheStatsKey(config), "0", "COUNT", 1000);
  const out: Record<string, { hits: number; misses: number }> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const field = flat[i]!;
    const cut = field.lastIndexOf(":");
    const ns = field.slice(0, cut);
    const kind = field.slice(cut + 1);
    if (kind !== "hits" && kind !== "misses") continue;
    out[ns] ??= { hits: 0, misses: 0 };
    out[ns][kind] = Number(flat[i + 1]) || 0;
  }
  return out;
}
