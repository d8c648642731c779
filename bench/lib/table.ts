/** A plain-text table with aligned columns: numbers right-aligned, text left-aligned. */
export type Cell = string | number | null | undefined;

function show(cell: Cell): string {
  if (cell === null || cell === undefined) return "—";
  if (typeof cell === "number") return formatNumber(cell);
  return cell;
}

/** Thousands separated with spaces; at most 2 decimals, fewer for large values. */
export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const digits = Math.abs(n) >= 1000 ? 0 : Math.abs(n) >= 100 ? 1 : 2;
  const [int, frac] = n.toFixed(digits).split(".");
  const grouped = int!.replace(/\B(?=(\d{3})+(?!\d))/g, " ");
  return frac ? `${grouped}.${frac}` : grouped;
}

export function renderTable(title: string, header: string[], rows: Cell[][]): string {
  const text = rows.map((row) => header.map((_, i) => show(row[i])));
  const numeric = header.map((_, i) =>
    rows.every((row) => typeof row[i] === "number" || row[i] === null || row[i] === undefined),
  );
  const widths = header.map((h, i) => Math.max(h.length, ...text.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  const rule = widths.map((w) => "-".repeat(w)).join("  ");
  return [`\n${title}`, line(header), rule, ...text.map(line)].join("\n");
}

export function printTable(title: string, header: string[], rows: Cell[][]): void {
  console.log(renderTable(title, header, rows));
}
