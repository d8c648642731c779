/**
 * What the simulator did since the last report, per queue: the demo prints it
 * every 10 s beside the queue lengths.
 */
export interface QueueTally {
  produced: number;
  done: number;
  retried: number;
  deadLettered: number;
}

/** Hits and misses are Redrive's own counters (redrive:cache:stats), read by the reporter. */
export interface CacheTally {
  reads: number;
  invalidations: number;
}

const emptyQueue = (): QueueTally => ({ produced: 0, done: 0, retried: 0, deadLettered: 0 });

export class Tally {
  private queues = new Map<string, QueueTally>();
  cache: CacheTally = { reads: 0, invalidations: 0 };

  queue(name: string): QueueTally {
    let t = this.queues.get(name);
    if (!t) {
      t = emptyQueue();
      this.queues.set(name, t);
    }
    return t;
  }

  /** The counts so far, and a fresh start for the next interval. */
  take(): { queues: Map<string, QueueTally>; cache: CacheTally } {
    const out = { queues: this.queues, cache: this.cache };
    this.queues = new Map();
    this.cache = { reads: 0, invalidations: 0 };
    return out;
  }
}

/** The last `size` job ids produced: what the app's clients poll the status of. */
export class RecentJobs {
  private readonly ids: string[] = [];
  private next = 0;

  constructor(private readonly size = 500) {}

  add(id: string): void {
    if (this.ids.length < this.size) this.ids.push(id);
    else this.ids[this.next] = id;
    this.next = (this.next + 1) % this.size;
  }

  /** The id produced `age` jobs ago (0 = the newest), or undefined before that many. */
  ago(age: number): string | undefined {
    if (age >= this.ids.length) return undefined;
    // Before the ring is full, next is its length, so the same formula holds.
    return this.ids[(this.next - 1 - age + this.size) % this.size];
  }

  get length(): number {
    return this.ids.length;
  }
}
