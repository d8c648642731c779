import { performance } from "node:perf_hooks";

/**
 * Load generation for the cache benchmark: closed loops (each loop issues its
 * next call as soon as the previous one returns) or paced loops (each loop
 * keeps a fixed schedule), per-call latencies, and seeded random ids, uniform
 * or Zipf-distributed, so that every mode replays the same id sequences.
 */

/** Per-call latencies in milliseconds, in a growing typed array (millions of samples). */
export class Latencies {
  private data = new Float64Array(1 << 16);
  private n = 0;

  add(ms: number): void {
    if (this.n === this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.n++] = ms;
  }

  /** Appends everything `other` recorded. */
  addAll(other: Latencies): void {
    for (let i = 0; i < other.n; i++) this.add(other.data[i]!);
  }

  get count(): number {
    return this.n;
  }

  /** Quantiles (nearest rank) and the mean of everything recorded. */
  summary(): { count: number; p50: number; p99: number; max: number; mean: number } {
    const sorted = this.data.slice(0, this.n).sort();
    const q = (p: number) =>
      this.n === 0 ? NaN : sorted[Math.min(this.n - 1, Math.max(0, Math.ceil(p * this.n) - 1))]!;
    let sum = 0;
    for (let i = 0; i < this.n; i++) sum += sorted[i]!;
    return { count: this.n, p50: q(0.5), p99: q(0.99), max: q(1), mean: sum / this.n };
  }
}

/** mulberry32: a small seeded PRNG, uniform in [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Zipf over ids 1..n (P(k) ∝ 1/k^s), shared with the demo's traffic simulator. */
export { Zipf } from "../../demo/random";

/**
 * `concurrency` loops that each call `op(loop)` back to back until `ms` have
 * passed (a call started before the deadline runs to its end). Returns the
 * number of calls and the wall time until the last one returned.
 */
export async function closedLoops(
  concurrency: number,
  ms: number,
  op: (loop: number) => Promise<unknown>,
  latencies?: Latencies,
): Promise<{ calls: number; ms: number }> {
  const t0 = performance.now();
  const end = t0 + ms;
  let calls = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, loop) => {
      while (performance.now() < end) {
        const start = performance.now();
        await op(loop);
        latencies?.add(performance.now() - start);
        calls++;
      }
    }),
  );
  return { calls, ms: performance.now() - t0 };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * `concurrency` loops, each starting a call every `concurrency / ratePerSecond`
 * seconds on a fixed schedule (a late call starts at once and the schedule is
 * kept, so the total rate holds), until `ms` have passed. Latency is measured
 * from each call's actual start.
 */
export async function pacedLoops(
  concurrency: number,
  ratePerSecond: number,
  ms: number,
  op: (loop: number) => Promise<unknown>,
  latencies?: Latencies,
): Promise<{ calls: number; ms: number }> {
  const t0 = performance.now();
  const end = t0 + ms;
  const interval = (concurrency * 1000) / ratePerSecond;
  let calls = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, loop) => {
      // Spread the loops' first calls over one interval.
      let next = t0 + (interval * loop) / concurrency;
      while (next < end) {
        const wait = next - performance.now();
        if (wait >= 1) await sleep(wait);
        const start = performance.now();
        await op(loop);
        latencies?.add(performance.now() - start);
        calls++;
        next += interval;
      }
    }),
  );
  return { calls, ms: performance.now() - t0 };
}
