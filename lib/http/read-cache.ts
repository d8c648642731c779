import "server-only";

/**
 * The dashboard process's shared answers to reads: dashboards left open all
 * day, several per team, poll the same pages, and every poll used to read the
 * production Redis again. Here identical reads share one Redis read:
 *
 * - single flight: a read that arrives while the same read is running waits
 *   for it instead of starting another;
 * - a short-lived answer: a read that accepts an answer up to N ms old (its
 *   `Cache-Control: max-age`, which the dashboard sets to its poll interval)
 *   gets the last one when it is that young;
 * - any change an admin makes empties it, so that whoever acted sees the
 *   result on the next poll (other dashboard processes see it within one
 *   poll interval, when their answers expire).
 *
 * Answers are kept as the JSON text that is sent, bounded in bytes and in
 * number; the oldest go first.
 */

export interface SharedAnswer {
  body: unknown;
  /** The body as sent: serialised once for every reader. */
  json: string;
  /** When it was read from Redis, epoch ms. */
  at: number;
  /** A costly read: given for this long to every read that accepts a kept answer at all. */
  keepMs: number;
}

interface Entry {
  answer?: SharedAnswer;
  pending?: Promise<SharedAnswer | null>;
}

export interface ReadCacheLimits {
  maxBytes: number;
  maxEntries: number;
}

/** What a read answered: its body, and whether others may be given it (a 200). */
export type Loaded = { body: unknown; shareable: boolean; keepMs?: number };

export class ReadCache {
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;
  /** Bumped by clear(): a read that started before a change is not kept after it. */
  private generation = 0;

  constructor(private readonly limits: ReadCacheLimits) {}

  /**
   * The answer for `key` if one is at most `maxAgeMs` old or being read now,
   * else what `load` reads (kept when shareable). `hit` says whether this
   * call caused no read of its own.
   */
  async read(
    key: string,
    maxAgeMs: number,
    load: () => Promise<Loaded>,
    now = Date.now(),
  ): Promise<{ answer: SharedAnswer | null; hit: boolean }> {
    const entry = this.entries.get(key);
    const kept = entry?.answer;
    if (kept && now - kept.at <= (maxAgeMs > 0 ? Math.max(maxAgeMs, kept.keepMs) : 0)) {
      return { answer: kept, hit: true };
    }
    if (entry?.pending) {
      const shared = await entry.pending;
      if (shared) return { answer: shared, hit: true };
    }
    return this.start(key, load, now);
  }

  private async start(key: string, load: () => Promise<Loaded>, now: number) {
    const generation = this.generation;
    const pending = load().then((l) =>
      l.shareable
        ? { body: l.body, json: JSON.stringify(l.body), at: now, keepMs: l.keepMs ?? 0 }
        : null,
    );
    const entry: Entry = { ...this.entries.get(key), pending };
    this.entries.set(key, entry);
    try {
      const answer = await pending;
      if (answer && generation === this.generation) this.keep(key, answer);
      return { answer, hit: false };
    } finally {
      if (this.entries.get(key)?.pending === pending) {
        const kept = this.entries.get(key)!;
        delete kept.pending;
        if (!kept.answer) this.entries.delete(key);
      }
    }
  }

  private keep(key: string, answer: SharedAnswer): void {
    const pending = this.entries.get(key)?.pending;
    this.drop(key);
    // Deleted first: set() alone would keep the key at its old place in the order.
    this.entries.delete(key);
    this.entries.set(key, { answer, pending });
    this.bytes += answer.json.length;
    // Map order is insertion order: the first entries are the oldest answers.
    for (const [old] of this.entries) {
      if (this.bytes <= this.limits.maxBytes && this.entries.size <= this.limits.maxEntries) break;
      if (old === key) continue;
      this.drop(old);
      this.entries.delete(old);
    }
  }

  private drop(key: string): void {
    const answer = this.entries.get(key)?.answer;
    if (answer) this.bytes -= answer.json.length;
  }

  /** Forgets every answer, and every read in flight for what comes next (after a change). */
  clear(): void {
    this.entries.clear();
    this.bytes = 0;
    this.generation++;
  }

  /** For tests and diagnostics. */
  get size(): { entries: number; bytes: number } {
    return { entries: this.entries.size, bytes: this.bytes };
  }
}

/**
 * The dashboard process's one cache. 32 MB holds a few hundred DLQ pages of
 * large entries; most answers are a few KB.
 */
export const readCache = new ReadCache({ maxBytes: 32 * 1024 * 1024, maxEntries: 2_000 });
