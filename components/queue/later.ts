/**
 * Requeue later's times: "in 1 h", or a wall-clock time in a named time zone
 * (a deploy at 02:00 Europe/Berlin), turned into the epoch seconds the API
 * takes, with Intl alone (no time-zone library in the browser bundle).
 */

/** The zone's offset from UTC at `epochSeconds`, in seconds (east positive). */
export function zoneOffset(epochSeconds: number, zone: string): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone: zone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(new Date(epochSeconds * 1000));
  const n = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  const wall = Date.UTC(n("year"), n("month") - 1, n("day"), n("hour"), n("minute"), n("second"));
  return Math.round(wall / 1000 - Math.floor(epochSeconds));
}

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/;

/**
 * `2026-12-08T02:00` on the clocks of `zone`, as epoch seconds; null when the
 * text is no such time. A time a change of offset skips or repeats resolves to
 * one instant near it (east of UTC: the skipped hour an hour later, a repeated
 * time its later instant; west of UTC the other way): the dialog shows back the
 * instant it will use, so the admin sees the result before anything moves.
 */
export function zonedToEpoch(local: string, zone: string): number | null {
  const m = LOCAL.exec(local);
  if (!m) return null;
  const [y, mo, d, h, mi] = m.slice(1).map(Number) as [number, number, number, number, number];
  const date = new Date(Date.UTC(2000, mo - 1, d, h, mi));
  date.setUTCFullYear(y); // Date.UTC reads years below 100 as 19xx
  const asUtc = date.getTime() / 1000;
  // The offset where the time lands, found from the offset at the UTC reading, checked once more.
  let epoch = asUtc - zoneOffset(asUtc, zone);
  epoch = asUtc - zoneOffset(epoch, zone);
  return epoch;
}

/** `epochSeconds` as `YYYY-MM-DDTHH:MM` on the clocks of `zone` (a datetime-local input's value). */
export function epochToZoned(epochSeconds: number, zone: string): string {
  const d = new Date((epochSeconds + zoneOffset(epochSeconds, zone)) * 1000);
  return d.toISOString().slice(0, 16);
}

/** The browser's zone, and every zone the browser knows, the common ones first. */
export function zoneChoices(): string[] {
  const own = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const all =
    typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
  return [...new Set([own, "UTC", ...all])];
}

export const PRESETS = [
  { label: "in 15 minutes", seconds: 15 * 60 },
  { label: "in 1 hour", seconds: 3600 },
  { label: "in 4 hours", seconds: 4 * 3600 },
  { label: "in 1 day", seconds: 86_400 },
] as const;

/** How far ahead a requeue may be put off (the API's bound). */
export const LATER_MAX_SECONDS = 30 * 86_400;
