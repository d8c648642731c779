import "server-only";
import { logLine } from "../log";
import { buildInsights } from "../metrics/insights";
import { buildOverview } from "../metrics/overview";
import { nowSeconds, sleep, type EngineContext } from "../queues/context";
import { claimDigest, digestDueDate, queueDigest, releaseDigest } from "./digest";
import { WebhookSender } from "./deliver";
import { alertNotice, digestNotice } from "./notices";
import { claimChanges } from "./state";

/**
 * The worker's alert role (REDRIVE_WORKER_ROLES `alerts`): every
 * REDRIVE_ALERT_CHECK_SECONDS it reads the overview's alerts (the thresholds
 * the dashboard's red cards show) and claims the changes in Redis, each with
 * its notice in the alert outbox; once a day at REDRIVE_DIGEST_AT it queues
 * the digest. Beside it, the sender posts the outbox's notices to the webhook.
 * Runs only when REDRIVE_ALERT_WEBHOOK_URL is set.
 */
export interface AlertLoopOptions {
  instance: string;
  signal: AbortSignal;
  log?: typeof logLine;
  /** Replaced in tests (shorter delays). */
  sender?: WebhookSender;
}

export function senderFor(ctx: EngineContext, log: typeof logLine): WebhookSender | null {
  const { REDRIVE_ALERT_WEBHOOK_URL: url, REDRIVE_ALERT_WEBHOOK_FORMAT: format } = ctx.config;
  if (!url || !format) return null;
  return new WebhookSender(ctx, {
    url,
    format,
    secret: ctx.config.REDRIVE_ALERT_WEBHOOK_SECRET,
    timeoutMs: ctx.config.REDRIVE_ALERT_WEBHOOK_TIMEOUT_SECONDS * 1000,
    log,
  });
}

/** One check: alert changes, then the digest when due; what it queues, the sender posts. */
export async function checkAlerts(
  ctx: EngineContext,
  sender: WebhookSender,
  instance: string,
  log: typeof logLine = logLine,
): Promise<void> {
  const now = nowSeconds(ctx);
  const base = ctx.config.NEXTAUTH_URL;
  const overview = await buildOverview(ctx);
  const changes = await claimChanges(ctx, overview.alerts, now, (c) => alertNotice(c, base, now));
  if (changes.length > 0) sender.wake();
  const at = ctx.config.REDRIVE_DIGEST_AT;
  if (!at) return;
  const date = digestDueDate(now * 1000, at, ctx.config.REDRIVE_TIMEZONE);
  const token = date ? await claimDigest(ctx, date, instance) : null;
  if (!date || !token) return;
  // A read that fails gives the day back, so that the next check (any worker's) tries again.
  const insights = await buildInsights(ctx).catch(async (error: unknown) => {
    await releaseDigest(ctx, date).catch(() => undefined);
    throw error;
  });
  const notice = digestNotice(insights, date, base);
  if (!(await queueDigest(ctx, date, token, notice))) return;
  if (notice) sender.wake();
  else log("info", "daily digest skipped: nothing failed since the last reviews", { date });
}

export async function alertLoop(ctx: EngineContext, o: AlertLoopOptions): Promise<void> {
  const log = o.log ?? logLine;
  const sender = o.sender ?? senderFor(ctx, log);
  if (!sender) return;
  const posting = sender.run(o.signal);
  while (!o.signal.aborted) {
    await checkAlerts(ctx, sender, o.instance, log).catch((error: unknown) =>
      log("warn", "alert check failed", { instance: o.instance, error: String(error) }),
    );
    await sleep(ctx.config.REDRIVE_ALERT_CHECK_SECONDS * 1000, o.signal);
  }
  await posting;
}
