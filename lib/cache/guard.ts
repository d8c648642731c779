/**
 * Graceful degradation (one of the Python backend's cache tips): a cache call that fails or is slower than
 * its timeout must cost the caller one timeout at most, not one per call while
 * Redis is down. After a failure the breaker opens for `cooldownMs`, during
 * which calls skip Redis at once; the first call after that probes it again,
 * and the breaker closes by itself when Redis answers.
 *
 * Timeouts are enforced by one sweeper, not a timer per call: a cache hit is a
 * few microseconds of work here, and a timer per call would be a large part of it.
 */
export interface GuardStats {
  errors: number;
  timeouts: number;
  /** Calls that skipped Redis because the breaker was open. */
  skipped: number;
  open: boolean;
  lastError: string | null;
}

interface Pending {
  deadline: number;
  settle: (timedOut: boolean) => void;
}

export class Guard {
  private openUntil = 0;
  private readonly pending = new Set<Pending>();
  private sweeper: NodeJS.Timeout | undefined;
  readonly stats: GuardStats = { errors: 0, timeouts: 0, skipped: 0, open: false, lastError: null };

  constructor(
    private readonly timeoutMs: number,
    private readonly cooldownMs = 1_000,
  ) {}

  /** Runs `op`, or returns `fallback` when the breaker is open, `op` fails or is too slow. */
  run<T>(op: () => Promise<T>, fallback: T): Promise<T> {
    if (this.stats.open && Date.now() < this.openUntil) {
      this.stats.skipped++;
      return Promise.resolve(fallback);
    }
    return new Promise<T>((resolve) => {
      const entry: Pending = {
        deadline: Date.now() + this.timeoutMs,
        settle: (timedOut) => {
          this.pending.delete(entry);
          if (timedOut) resolve(this.fail("timeout", fallback));
        },
      };
      this.pending.add(entry);
      this.startSweeper();
      op().then(
        (value) => {
          if (!this.pending.has(entry)) return; // already timed out
          this.pending.delete(entry);
          this.stats.open = false;
          resolve(value);
        },
        (error: unknown) => {
          if (!this.pending.has(entry)) return;
          this.pending.delete(entry);
          resolve(this.fail(error instanceof Error ? error.message : String(error), fallback));
        },
      );
    });
  }

  private startSweeper(): void {
    if (this.sweeper) return;
    const every = Math.max(1, Math.floor(this.timeoutMs / 4));
    this.sweeper = setInterval(() => this.sweep(), every);
    this.sweeper.unref();
  }

  private sweep(): void {
    const now = Date.now();
    // Insertion order is deadline order (one timeout for all), so stop at the first live one.
    for (const entry of this.pending) {
      if (now < entry.deadline) break;
      entry.settle(true);
    }
    if (this.pending.size === 0) {
      clearInterval(this.sweeper);
      this.sweeper = undefined;
    }
  }

  private fail<T>(reason: string, fallback: T): T {
    if (reason === "timeout") this.stats.timeouts++;
    else this.stats.errors++;
    this.stats.lastError = reason;
    this.stats.open = true;
    this.openUntil = Date.now() + this.cooldownMs;
    return fallback;
  }
}
