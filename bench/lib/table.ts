/** A count: shown as a whole number (thousands separated), right-aligned like numbers. */
export class Count {
  constructor(readonly n: number) {}
}

/** A plain-text table with aligned columns: numbers right-aligned, text left-aligned. */
export type Cell = string | number | Count | null | undefined;

function show(cell: Cell): string {
  if (cell === null || cell === undefined) return "—";
  if (typeof cell === "number") return formatNumber(cell);
  if (cell instanceof Count) return formatNumber(Math.round(cell.n)).split(".")[0]!;
  return cell;
}

const isNumeric = (cell: Cell) =>
  typeof cell === "number" || cell instanceof Count || cell === null || cell === undefined;

/** Thousands separated with spaces; at most 2 decimals, fewer for large values. */
export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const digits = Math.abs(n) >= 1000 ? 0 : Math.abs(n) >= 100 ? 1 : 2;
  const [int, frac] = n.toFixed(digits).split(".");
  // eslint-disable-next-line regexp/no-super-linear-move -- Number#toFixed output (≤ 22 characters), not untrusted text
  const grouped = int!.replace(/\B(?=(\d{3})+(?!\d))/g, " ");
  return frac ? `${grouped}.${frac}` : grouped;
}

export function renderTable(title: string, header: string[], rows: Cell[][]): string {
  const text = rows.map((row) => header.map((_, i) => show(row[i])));
  const numeric = header.map((_, i) => rows.every((row) => isNumeric(row[i])));
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
