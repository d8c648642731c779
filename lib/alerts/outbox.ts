import "server-only";
import { randomBytes } from "node:crypto";
import { logLine } from "../log";
import { ownKey } from "../own-keys";
import type { EngineContext } from "../queues/context";
import { runScript } from "../redis/scripts";
import type { Notice } from "./format";

/**
 * The alert outbox: notices wait in Redis until a post of each was answered
 * (see lib/queues/lua/alertOutbox-n.lua). Delivery is at least once: a worker
 * killed after the receiver took a notice but before it recorded the answer
 * leaves that notice to be posted again after its lease, with the same
 * delivery id, so that a receiver can drop the repeat.
 *
 *   HASH <prefix>:{alerts}:outbox  id -> {"id","attempts","notice"}
 *   ZSET <prefix>:{alerts}:due     id -> epoch ms when it may be posted (a lease's end while posted)
 */
export const outboxKey = (c: EngineContext["config"]) => ownKey(c, "{alerts}:outbox");
export const dueKey = (c: EngineContext["config"]) => ownKey(c, "{alerts}:due");

/** Notices kept while the receiver is down; past it the oldest is dropped. */
export const OUTBOX_MAX = 100;

export interface Queued {
  /** The delivery id: the same on every try of one notice. */
  id: string;
  /** Posts tried so far. */
  attempts: number;
  notice: Notice;
}

/** A new notice's id, ordered by creation time (the outbox drops the smallest first). */
export function newNoticeId(): string {
  return `${String(Date.now()).padStart(13, "0")}-${randomBytes(6).toString("hex")}`;
}

/** The JSON stored for a notice not yet tried. */
export function queued(notice: Notice): { id: string; json: string } {
  const id = newNoticeId();
  return { id, json: JSON.stringify({ id, attempts: 0, notice } satisfies Queued) };
}

/** The reply of a step that may add a notice: whether the caller won, and how many old notices made room. */
export function addedNotice(reply: unknown): boolean {
  const [won, dropped] = reply as [number, number];
  if (dropped > 0) logLine("warn", "alert outbox full: oldest notices dropped", { dropped });
  return won === 1;
}

/** Runs one outbox step; the first two keys are always the outbox's. */
export function outboxStep(
  ctx: EngineContext,
  extraKeys: string[],
  args: (string | number)[],
): Promise<unknown> {
  const keys = [outboxKey(ctx.config), dueKey(ctx.config), ...extraKeys];
  return runScript(ctx.redis, "alertOutbox", keys, args);
}

export interface Taken {
  /** null: the field holds something Redrive did not write (it is dropped, never posted). */
  item: Queued | null;
  id: string;
  leaseEnd: number;
}

/** The notice due first, leased to the caller for `leaseMs`; else how long until one is due. */
export async function takeNotice(
  ctx: EngineContext,
  leaseMs: number,
): Promise<Taken | { waitMs: number }> {
  const [id, json, leaseEnd] = (await outboxStep(ctx, [], ["take", leaseMs])) as [
    string | null,
    string | number,
    number,
  ];
  if (!id) return { waitMs: Number(json) };
  return { item: parseQueued(String(json)), id, leaseEnd };
}

/** A stored notice, or null for anything Redrive did not write there. */
function parseQueued(json: string): Queued | null {
  try {
    const parsed = JSON.parse(json) as Queued;
    const n = parsed?.notice;
    const ok =
      typeof n?.title === "string" && Array.isArray(n.lines) && typeof n.event === "string";
    return ok && typeof parsed.id === "string" ? parsed : null;
  } catch {
    return null;
  }
}

/** Removes a notice whose post was answered (or given up); false when the lease had run out. */
export async function finishNotice(ctx: EngineContext, taken: Taken): Promise<boolean> {
  return (await outboxStep(ctx, [], ["done", taken.id, taken.leaseEnd])) === 1;
}

/** Puts a notice back, due after `delayMs`, with this try counted unless it was cut short. */
export async function retryNotice(
  ctx: EngineContext,
  taken: Taken,
  delayMs: number,
  counted = true,
): Promise<boolean> {
  const item = { ...taken.item!, attempts: taken.item!.attempts + (counted ? 1 : 0) };
  const args = ["again", item.id, taken.leaseEnd, Math.round(delayMs), JSON.stringify(item)];
  return (await outboxStep(ctx, [], args)) === 1;
}
