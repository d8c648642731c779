import "server-only";
import { ownKey } from "../own-keys";
import type { EngineContext } from "../queues/context";

/**
 * The daily digest's schedule: REDRIVE_DIGEST_AT is a wall-clock time in
 * REDRIVE_TIMEZONE (containers run in UTC; the team reads it at 09:00 its own
 * time, summer and winter). A day's digest is due from that local time for
 * DUE_WINDOW_MINUTES, and claimed in Redis by the local date, so that:
 *
 * - it goes out once a day whatever the number of workers;
 * - on the night clocks go forward, a time that does not exist (02:30 when
 *   02:00 jumps to 03:00) is reached at the jump, not skipped;
 * - on the night clocks go back, a time that happens twice (01:30) sends once;
 * - a worker started hours after the time does not send a stale digest.
 */
export const DUE_WINDOW_MINUTES = 6 * 60;

/** The local date (YYYY-MM-DD) and minutes since local midnight of `ms` in `zone`. */
export function localTime(ms: number, zone: string): { date: string; minutes: number } {
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone: zone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).formatToParts(new Date(ms));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "00";
  return {
    date: `${get("year")}-${get("month")}-${get("day")}`,
    minutes: Number(get("hour")) * 60 + Number(get("minute")),
  };
}

/** The local date whose digest is due at `ms`, or null outside the window. */
export function digestDueDate(ms: number, at: string, zone: string): string | null {
  const [h, m] = at.split(":").map(Number);
  const { date, minutes } = localTime(ms, zone);
  const late = minutes - (h! * 60 + m!);
  return late >= 0 && late < DUE_WINDOW_MINUTES ? date : null;
}

export const digestKey = (c: EngineContext["config"], date: string) =>
  ownKey(c, `alerts:digest:${date}`);

/** Whether this instance won the digest of `date` (kept two days, long past any repeat). */
export async function claimDigest(
  ctx: EngineContext,
  date: string,
  instance: string,
): Promise<boolean> {
  const set = await ctx.redis.set(digestKey(ctx.config, date), instance, "EX", 172_800, "NX");
  return set === "OK";
}

/** Gives a claimed day back (its digest could not be read), for the next check to retry. */
export async function releaseDigest(ctx: EngineContext, date: string): Promise<void> {
  await ctx.redis.del(digestKey(ctx.config, date));
}
