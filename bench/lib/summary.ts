/**
 * Targets and the one-line JSON summary each benchmark run ends with. A target
 * passes or fails on the figure measured; nothing is rounded in its favour.
 */
export interface Target {
  id: string;
  description: string;
  value: number;
  comparator: ">=" | "<=";
  target: number;
  unit: string;
  pass: boolean;
}

export function target(
  id: string,
  description: string,
  value: number,
  comparator: ">=" | "<=",
  bound: number,
  unit: string,
): Target {
  const pass = Number.isFinite(value) && (comparator === ">=" ? value >= bound : value <= bound);
  return { id, description, value, comparator, target: bound, unit, pass };
}

export interface Summary {
  benchmark: string;
  startedAt: string;
  durationSeconds: number;
  environment: Record<string, unknown>;
  results: Record<string, unknown>;
  targets: Target[];
  passed: number;
  failed: number;
}

export function summarize(
  benchmark: string,
  started: Date,
  environment: Record<string, unknown>,
  results: Record<string, unknown>,
  targets: Target[],
): Summary {
  const passed = targets.filter((t) => t.pass).length;
  return {
    benchmark,
    startedAt: started.toISOString(),
    durationSeconds: round((Date.now() - started.getTime()) / 1000),
    environment,
    results,
    targets,
    passed,
    failed: targets.length - passed,
  };
}

/** Rounds to 3 significant decimals so the JSON stays readable. */
export function round(n: number, decimals = 3): number {
  if (!Number.isFinite(n)) return n;
  const f = 10 ** decimals;
  return Math.round(n * f) / f;
}

/** One line, `JSON: {...}`, that tools can pick out of the output with a prefix match. */
export function printSummary(summary: Summary): void {
  console.log(
    `JSON: ${JSON.stringify(summary, (_k, v: unknown) => (typeof v === "number" ? round(v) : v))}`,
  );
}
