import "server-only";
import { ownKey } from "../own-keys";
import type { EngineContext } from "../queues/context";
import type { Notice } from "./format";
import { addedNotice, OUTBOX_MAX, outboxStep, queued } from "./outbox";

/**
 * The daily digest's schedule: REDRIVE_DIGEST_AT is a wall-clock time in
 * REDRIVE_TIMEZONE (containers run in UTC; the team reads it at 09:00 its own
 * time, summer and winter). A day's digest is due from that local time for
 * DUE_WINDOW_MINUTES, and claimed in Redis by the local date, then put in
 * the alert outbox (./outbox.ts) in the same call that marks the day done, so that:
 *
 * - it goes out once a day whatever the number of workers;
 * - on the night clocks go forward, a time that does not exist (02:30 when
 *   02:00 jumps to 03:00) is reached at the jump, not skipped;
 * - on the night clocks go back, a time that happens twice (01:30) sends once;
 * - a worker started hours after the time does not send a stale digest;
 * - a worker that dies after claiming the day leaves it to another.
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
  ownKey(c, `{alerts}:digest:${date}`);

/** How long a claimed day waits for its claimer to queue the digest before another worker may. */
const CLAIM_SECONDS = 600;
/** A day's key is kept two days, long past any repeat of its local time. */
const KEEP_SECONDS = 172_800;

/**
 * Claims the digest of `date` for this instance: the token to queue it with,
 * or null when another instance has it. A claimer that dies before queueing
 * the digest leaves the day to be claimed again after CLAIM_SECONDS.
 */
export async function claimDigest(
  ctx: EngineContext,
  date: string,
  instance: string,
): Promise<string | null> {
  const token = `claimed:${instance}`;
  const set = await ctx.redis.set(digestKey(ctx.config, date), token, "EX", CLAIM_SECONDS, "NX");
  return set === "OK" ? token : null;
}

/** Puts the day's digest in the outbox (or records a day with nothing to say); false if the claim ran out. */
export async function queueDigest(
  ctx: EngineContext,
  date: string,
  token: string,
  notice: Notice | null,
): Promise<boolean> {
  const { id, json } = notice ? queued(notice) : { id: "", json: "" };
  const args = ["digest", token, id, json, OUTBOX_MAX, KEEP_SECONDS];
  return addedNotice(await outboxStep(ctx, [digestKey(ctx.config, date)], args));
}

/** Gives a claimed day back (its digest could not be read), for the next check to retry. */
export async function releaseDigest(ctx: EngineContext, date: string): Promise<void> {
  await ctx.redis.del(digestKey(ctx.config, date));
}
