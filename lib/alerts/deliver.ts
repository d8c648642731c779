import "server-only";
import type { WebhookFormat } from "../alert-settings";
import { sleep, type EngineContext } from "../queues/context";
import { webhookRequest, type Notice } from "./format";
import { finishNotice, retryNotice, takeNotice, type Taken } from "./outbox";

/**
 * Posts the outbox's notices (./outbox.ts) to the webhook one after another,
 * in the background: a receiver that is down or slow delays only the notices
 * behind it, never the worker's promotion (which does not wait for this). A
 * failed post is tried again with doubling delays; an answer that will not
 * change (a 4xx other than 408 and 429: a wrong URL, a revoked hook) is not.
 * Every worker with the alerts role posts from the same outbox, so a notice
 * whose worker stops or dies is posted by another.
 */
export interface SenderOptions {
  url: string;
  format: WebhookFormat;
  secret?: string;
  log: (level: "info" | "warn", msg: string, fields: Record<string, unknown>) => void;
  /** Tries per notice, the first included. */
  attempts?: number;
  /** The delay before the second try; doubled for each after, up to 5 minutes. */
  baseDelayMs?: number;
  /** One post's time limit; a taken notice is leased for twice this (leaseMs). */
  timeoutMs?: number;
  /** The longest wait between two looks at an empty outbox (another worker may fill it). */
  pollMs?: number;
}

const MAX_DELAY_MS = 300_000;

/** A post holds its notice for twice its time limit: long past any answer, short for a dead worker's. */
const leaseMs = (timeoutMs: number) => 2 * timeoutMs;

type Outcome = "sent" | "retry" | "give-up";

export class WebhookSender {
  private wakeUp?: () => void;
  /** Posts made, for the log and the tests. */
  attemptsMade = 0;

  constructor(
    private readonly ctx: EngineContext,
    private readonly o: SenderOptions,
  ) {}

  /** Looks at the outbox now (this worker just queued a notice). */
  wake(): void {
    this.wakeUp?.();
  }

  /** Posts until `signal` aborts; a post in flight then is given up and its notice put back. */
  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const next = await takeNotice(this.ctx, leaseMs(this.timeout())).catch((error: unknown) => {
        this.o.log("warn", "alert outbox unreadable", { error: String(error) });
        return { waitMs: this.o.pollMs ?? 1_000 };
      });
      if (!("item" in next)) {
        await this.pause(next.waitMs, signal);
        continue;
      }
      // Redis failing while a post is recorded: the lease runs out and the notice is posted again.
      await this.deliver(next, signal).catch(async (error: unknown) => {
        this.o.log("warn", "alert notice not recorded", { error: String(error) });
        await this.pause(this.o.pollMs ?? 1_000, signal);
      });
    }
  }

  private timeout(): number {
    return this.o.timeoutMs ?? 10_000;
  }

  private async pause(waitMs: number, signal: AbortSignal): Promise<void> {
    const poll = this.o.pollMs ?? 1_000;
    const ms = waitMs < 0 ? poll : Math.min(Math.max(waitMs, 10), poll);
    const woken = new Promise<void>((resolve) => (this.wakeUp = resolve));
    await Promise.race([sleep(ms, signal), woken]);
    this.wakeUp = undefined;
  }

  private async deliver(taken: Taken, signal: AbortSignal): Promise<void> {
    const { item } = taken;
    if (!item) {
      this.o.log("warn", "alert outbox held a notice Redrive did not write: dropped", {});
      await finishNotice(this.ctx, taken);
      return;
    }
    const outcome = await this.post(item.notice, item.id, signal);
    const tries = item.attempts + 1;
    if (outcome === "retry" && signal.aborted) {
      // Stopping: the notice goes back at once, for whichever worker runs next.
      await retryNotice(this.ctx, taken, 0, false);
      return;
    }
    if (outcome === "retry" && tries < (this.o.attempts ?? 8)) {
      const delay = Math.min((this.o.baseDelayMs ?? 2_000) * 2 ** (tries - 1), MAX_DELAY_MS);
      await retryNotice(this.ctx, taken, delay);
      return;
    }
    if (outcome !== "sent") {
      this.o.log("warn", "alert notice not delivered", { event: item.notice.event, tries });
    }
    await finishNotice(this.ctx, taken);
  }

  /** One post; the URL is a secret (Slack's carries its token), so only the status is logged. */
  private async post(notice: Notice, id: string, stop: AbortSignal): Promise<Outcome> {
    this.attemptsMade++;
    const now = Date.now() / 1000;
    const { body, headers } = webhookRequest(this.o.format, notice, this.o.secret, now, id);
    try {
      const res = await fetch(this.o.url, {
        method: "POST",
        headers,
        body,
        redirect: "error",
        // A hung receiver is given up at the timeout, or at once when the worker stops.
        signal: AbortSignal.any([AbortSignal.timeout(this.timeout()), stop]),
      });
      // The answer's body is not needed, and a receiver's could be of any size.
      await res.body?.cancel().catch(() => undefined);
      if (res.ok) return "sent";
      this.o.log("warn", "alert webhook refused a notice", { status: res.status });
      return res.status >= 500 || res.status === 408 || res.status === 429 ? "retry" : "give-up";
    } catch (error) {
      const why = error instanceof Error ? error.name : "error";
      this.o.log("warn", "alert webhook unreachable", { error: why });
      return "retry";
    }
  }
}
