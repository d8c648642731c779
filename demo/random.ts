/**
 * Randomness for the demo's simulator: plain Math.random (a demo need not be
 * reproducible), plus the few distributions real traffic follows.
 */

export function randomInt(min: number, max: number): number {
  return min + Math.floor(Math.random() * (max - min + 1));
}

export function pick<T>(items: readonly T[]): T {
  return items[Math.floor(Math.random() * items.length)]!;
}

/** One of `choices`, each as likely as its weight. */
export function weighted<T>(choices: readonly (readonly [number, T])[]): T {
  const total = choices.reduce((sum, [w]) => sum + w, 0);
  let roll = Math.random() * total;
  for (const [w, value] of choices) {
    if (roll < w) return value;
    roll -= w;
  }
  return choices[choices.length - 1]![1];
}

/** A standard normal deviate (Box–Muller). */
export function normal(): number {
  const u = 1 - Math.random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * Math.random());
}

/**
 * A duration around `median` with the long right tail service times have
 * (log-normal): most calls near the median, a few several times slower.
 */
export function logNormal(median: number, sigma = 0.5): number {
  return median * Math.exp(sigma * normal());
}

/** How many events happen in an interval where `expected` are due (Poisson, small means). */
export function poisson(expected: number): number {
  if (expected <= 0) return 0;
  // Knuth's method costs one random per event: fine for the few per tick the demo draws.
  if (expected > 30) return Math.max(0, Math.round(expected + Math.sqrt(expected) * normal()));
  const limit = Math.exp(-expected);
  let k = 0;
  let p = Math.random();
  while (p > limit) {
    k++;
    p *= Math.random();
  }
  return k;
}

/**
 * Draws ranks 1..n with P(k) ∝ 1/k^s: a few keys are read all the time, most
 * rarely, as in every cache's real traffic. The CDF is built once; a draw is
 * a binary search.
 */
export class Zipf {
  private readonly cdf: Float64Array;

  constructor(
    readonly n: number,
    readonly s: number,
  ) {
    this.cdf = new Float64Array(n);
    let sum = 0;
    for (let k = 1; k <= n; k++) {
      sum += 1 / k ** s;
      this.cdf[k - 1] = sum;
    }
    for (let i = 0; i < n; i++) this.cdf[i]! /= sum;
  }

  /** A rank in 1..n. */
  next(): number {
    return this.sample(Math.random());
  }

  /** Probability of the hottest rank. */
  get top(): number {
    return this.cdf[0]!;
  }

  /** The smallest number of hottest ranks that receive `share` of the draws. */
  idsForShare(share: number): number {
    return this.sample(share);
  }

  /** The rank for a uniform u in [0, 1) (a seeded generator gives repeatable draws). */
  sample(u: number): number {
    let lo = 0;
    let hi = this.n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.cdf[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    return lo + 1;
  }
}

/**
 * A stable number in [0, 1) from a string (FNV-1a): lets a message's content
 * decide, the same way on every attempt, whether it is one that always fails.
 */
export function unitHash(text: string, salt = ""): number {
  let h = 0x811c9dc5;
  const s = salt + text;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) / 2 ** 32;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
