/** Number, size, time and duration formatting shared by every page. */

const integer = new Intl.NumberFormat("en-US");

export function fmtInt(n: number | null | undefined): string {
  return n === null || n === undefined ? "–" : integer.format(Math.round(n));
}

export function fmtPercent(ratio: number | null | undefined, digits = 1): string {
  return ratio === null || ratio === undefined ? "–" : `${(ratio * 100).toFixed(digits)} %`;
}

export function fmtBytes(n: number | null | undefined): string {
  if (n === null || n === undefined) return "–";
  const units = ["B", "KB", "MB", "GB", "TB"];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v < 10 && u > 0 ? v.toFixed(1) : Math.round(v)} ${units[u]}`;
}

/** "42 s", "5 min", "3 h 10 min", "2 d 4 h". */
export function fmtDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return "–";
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min`;
  if (s < 86_400) {
    const m = Math.floor((s % 3600) / 60);
    return `${Math.floor(s / 3600)} h${m ? ` ${m} min` : ""}`;
  }
  const h = Math.floor((s % 86_400) / 3600);
  return `${Math.floor(s / 86_400)} d${h ? ` ${h} h` : ""}`;
}

/** A <time dateTime> value, or undefined for a time no Date can hold (a foreign entry's 1e300). */
export function isoTime(epochSeconds: number | null | undefined): string | undefined {
  if (epochSeconds === null || epochSeconds === undefined) return undefined;
  const d = new Date(epochSeconds * 1000);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

/** Epoch seconds as local date and time, e.g. "2026-11-26 14:03:12". */
export function fmtTime(epochSeconds: number | null | undefined): string {
  if (epochSeconds === null || epochSeconds === undefined) return "–";
  const d = new Date(epochSeconds * 1000);
  if (Number.isNaN(d.getTime())) return "–";
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** "3 min ago" from epoch seconds. */
export function fmtAgo(epochSeconds: number | null | undefined): string {
  if (epochSeconds === null || epochSeconds === undefined) return "–";
  return `${fmtDuration(Date.now() / 1000 - epochSeconds)} ago`;
}
