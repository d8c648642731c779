import { fmtInt } from "../format";

/** A whole change with its sign: +12, 0, −3. */
export function signed(n: number): string {
  const r = Math.round(n);
  return r > 0 ? `+${fmtInt(r)}` : fmtInt(r);
}
