/**
 * Which queues a history chart draws. A handful of queues are all drawn; with
 * more, each chart draws the TOP queues by its own measure (the mean over the
 * window: the DLQ chart its deepest DLQs, the failures chart the most
 * failing), or the queues the admin picked, and sums the rest into one
 * "others" series, so that no chart has a hundred lines and legend entries.
 */
export const TOP = 5;
/** The most queues a picker may choose: more lines are not readable either. */
export const PICK_MAX = 8;
export const OTHERS = "__others";
/** The URL's search parameter that keeps the picked queues, so that a link shares them. */
export const CHART_PARAM = "chart";

type Row = Record<string, number | null>;

export interface Drawn {
  /** The queues drawn as their own series, in legend order. */
  queues: string[];
  /** How many queues the "others" series sums (0: none). */
  others: number;
  rows: Row[];
}

/** The picked queues from the URL: configured ones only, once each, at most PICK_MAX. */
export function parsePicked(param: string | null, queues: string[]): string[] | null {
  if (!param) return null;
  const known = new Set(queues);
  const picked = [...new Set(param.split(","))].filter((q) => known.has(q)).slice(0, PICK_MAX);
  return picked.length > 0 ? picked : null;
}

/** The mean of a series' known values (0 when it has none). */
function mean(rows: Row[], key: string): number {
  let sum = 0;
  let n = 0;
  for (const r of rows) {
    const v = r[key];
    if (typeof v === "number") {
      sum += v;
      n++;
    }
  }
  return n > 0 ? sum / n : 0;
}

/** Rows of one value per queue (and `t`) reduced to the drawn queues and "others". */
export function drawn(
  rows: Row[],
  queues: string[],
  limit: number,
  picked: string[] | null,
): Drawn {
  if (queues.length <= limit && !picked) return { queues, others: 0, rows };
  const chosen =
    picked ??
    [...queues]
      .map((q, i) => ({ q, i, m: mean(rows, q) }))
      .sort((a, b) => b.m - a.m || a.i - b.i)
      .slice(0, TOP)
      .map((x) => x.q);
  const keep = new Set(chosen);
  const rest = queues.filter((q) => !keep.has(q));
  const reduced = rows.map((r) => {
    const out: Row = { t: r.t ?? null };
    for (const q of chosen) out[q] = r[q] ?? null;
    if (rest.length > 0) out[OTHERS] = sumOf(r, rest);
    return out;
  });
  return { queues: chosen, others: rest.length, rows: reduced };
}

function sumOf(row: Row, keys: string[]): number | null {
  let sum: number | null = null;
  for (const k of keys) {
    const v = row[k];
    if (typeof v === "number") sum = (sum ?? 0) + v;
  }
  return sum;
}
