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

/** Which zone absolute times are shown in: the browser's own, or UTC (the user's choice in the header). */
export type TimeZoneChoice = "local" | "utc";

// One formatter for the whole page: building one per call is slow with hundreds of rows.
let zoneNames: Intl.DateTimeFormat | null = null;
const namesByOffset = new Map<number, string>();

/**
 * The zone's short name at that instant: "UTC", "EST", or an offset such as
 * "UTC+1" where en-US has no name (it says "GMT+1"; UTC+1 reads consistently next to UTC).
 */
export function zoneName(d: Date, zone: TimeZoneChoice): string {
  if (zone === "utc") return "UTC";
  // The browser's zone has one name per offset (CET, CEST): asked of Intl once each,
  // since a table shows hundreds of times.
  const offset = d.getTimezoneOffset();
  const known = namesByOffset.get(offset);
  if (known !== undefined) return known;
  zoneNames ??= new Intl.DateTimeFormat("en-US", { timeZoneName: "short" });
  const raw = zoneNames.formatToParts(d).find((p) => p.type === "timeZoneName")?.value ?? "";
  const name = raw.startsWith("GMT+") || raw.startsWith("GMT-") ? `UTC${raw.slice(3)}` : raw;
  namesByOffset.set(offset, name);
  return name;
}

const pad = (n: number) => String(n).padStart(2, "0");

function parts(d: Date, zone: TimeZoneChoice) {
  const utc = zone === "utc";
  return {
    date: `${utc ? d.getUTCFullYear() : d.getFullYear()}-${pad((utc ? d.getUTCMonth() : d.getMonth()) + 1)}-${pad(utc ? d.getUTCDate() : d.getDate())}`,
    hm: `${pad(utc ? d.getUTCHours() : d.getHours())}:${pad(utc ? d.getUTCMinutes() : d.getMinutes())}`,
    s: pad(utc ? d.getUTCSeconds() : d.getSeconds()),
  };
}

/**
 * Epoch seconds as date and time with the zone, e.g. "2026-11-26 14:03:12 UTC+1"
 * or "2026-11-26 13:03:12 UTC": operators compare these with logs and colleagues elsewhere.
 */
export function fmtTime(
  epochSeconds: number | null | undefined,
  zone: TimeZoneChoice = "local",
  opts: { seconds?: boolean } = {},
): string {
  if (epochSeconds === null || epochSeconds === undefined) return "–";
  const d = new Date(epochSeconds * 1000);
  if (Number.isNaN(d.getTime())) return "–";
  const p = parts(d, zone);
  return `${p.date} ${p.hm}${opts.seconds === false ? "" : `:${p.s}`} ${zoneName(d, zone)}`;
}

/** Epoch seconds as time of day with the zone, e.g. "14:03:12 UTC+1". */
export function fmtClock(epochSeconds: number, zone: TimeZoneChoice = "local"): string {
  const d = new Date(epochSeconds * 1000);
  if (Number.isNaN(d.getTime())) return "–";
  const p = parts(d, zone);
  return `${p.hm}:${p.s} ${zoneName(d, zone)}`;
}

/** "3 min ago" from epoch seconds. */
export function fmtAgo(epochSeconds: number | null | undefined): string {
  if (epochSeconds === null || epochSeconds === undefined) return "–";
  return `${fmtDuration(Date.now() / 1000 - epochSeconds)} ago`;
}
