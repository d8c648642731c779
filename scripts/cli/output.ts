/**
 * What the command line prints: JSON for programs (`--json`), an aligned
 * table for people. Colour only on a terminal that has not asked for none.
 */
export interface Output {
  json: boolean;
  out: (text: string) => void;
}

export function useColour(stream: NodeJS.WriteStream = process.stdout): boolean {
  return stream.isTTY === true && !process.env.NO_COLOR && process.env.TERM !== "dumb";
}

export function bold(text: string): string {
  return useColour() ? `\x1b[1m${text}\x1b[22m` : text;
}

/**
 * Rows under their headings, each column as wide as its widest cell; numbers
 * to the right; then `footer` (how much was shown, where to go on) on its own line.
 */
export function table(
  headings: string[],
  rows: (string | number | null)[][],
  footer?: string,
): string {
  const cells = rows.map((r) => r.map((c) => (c === null ? "—" : String(c))));
  const widths = headings.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i]!.length)));
  const line = (r: string[], numeric: boolean[]) =>
    r
      .map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  const numeric = headings.map(
    (_, i) => rows.length > 0 && rows.every((r) => typeof r[i] === "number"),
  );
  return [
    bold(line(headings, numeric)),
    line(
      widths.map((w) => "-".repeat(w)),
      numeric,
    ),
    ...cells.map((r) => line(r, numeric)),
    ...(footer === undefined ? [] : [footer]),
  ].join("\n");
}

/** Prints `value` as JSON, or `human(value)` for people. */
export function print<T>(o: Output, value: T, human: (v: T) => string): void {
  o.out(o.json ? JSON.stringify(value) : human(value));
}
