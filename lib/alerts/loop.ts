import "server-only";
import { logLine } from "../log";
import { buildInsights, buildOverview } from "../metrics/overview";
import { nowSeconds, sleep, type EngineContext } from "../queues/context";
import { claimDigest, digestDueDate, releaseDigest } from "./digest";
import { WebhookSender } from "./deliver";
import { alertNotice, digestNotice } from "./notices";
import { claimChanges } from "./state";

/**
 * The worker's alert role (REDRIVE_WORKER_ROLES `alerts`): every
 * REDRIVE_ALERT_CHECK_SECONDS it reads the overview's alerts (the thresholds
 * the dashboard's red cards show), claims the changes in Redis and posts each
 * change won to the webhook; once a day at REDRIVE_DIGEST_AT it posts the
 * digest. Runs only when REDRIVE_ALERT_WEBHOOK_URL is set.
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
  return new WebhookSender({
    url,
    format,
    secret: ctx.config.REDRIVE_ALERT_WEBHOOK_SECRET,
    log,
  });
}

/** One check: alert changes, then the digest when due. */
export async function checkAlerts(
  ctx: EngineContext,
  sender: WebhookSender,
  instance: string,
  log: typeof logLine = logLine,
): Promise<void> {
  const now = nowSeconds(ctx);
  const base = ctx.config.NEXTAUTH_URL;
  const overview = await buildOverview(ctx);
  for (const change of await claimChanges(ctx, overview.alerts, now)) {
    sender.send(alertNotice(change, base, now));
  }
  const at = ctx.config.REDRIVE_DIGEST_AT;
  if (!at) return;
  const date = digestDueDate(now * 1000, at, ctx.config.REDRIVE_TIMEZONE);
  if (!date || !(await claimDigest(ctx, date, instance))) return;
  // A read that fails gives the day back, so that the next check (any worker's) tries again.
  const insights = await buildInsights(ctx).catch(async (error: unknown) => {
    await releaseDigest(ctx, date).catch(() => undefined);
    throw error;
  });
  const notice = digestNotice(insights, date, base);
  if (notice) sender.send(notice);
  else log("info", "daily digest skipped: nothing failed since the last reviews", { date });
}

export async function alertLoop(ctx: EngineContext, o: AlertLoopOptions): Promise<void> {
  const log = o.log ?? logLine;
  const sender = o.sender ?? senderFor(ctx, log);
  if (!sender) return;
  while (!o.signal.aborted) {
    await checkAlerts(ctx, sender, o.instance, log).catch((error: unknown) =>
      log("warn", "alert check failed", { instance: o.instance, error: String(error) }),
    );
    await sleep(ctx.config.REDRIVE_ALERT_CHECK_SECONDS * 1000, o.signal);
  }
  await sender.stop();
}
