/** Stops a benchmark whose measurement would be wrong: a system that did not do the work it is timed on. */
export function check(condition: boolean, what: string): void {
  if (!condition) throw new Error(`benchmark check failed: ${what}`);
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
