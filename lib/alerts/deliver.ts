import "server-only";
import type { WebhookFormat } from "../alert-settings";
import { sleep } from "../queues/context";
import { webhookRequest, type Notice } from "./format";

/**
 * Posts notices to the webhook one after another, in the background: a
 * receiver that is down or slow delays only the notices behind it, never the
 * worker's promotion (which does not wait for this). A failed post is tried
 * again with doubling delays; an answer that will not change (a 4xx other than
 * 408 and 429: a wrong URL, a revoked hook) is not. What is still waiting when
 * the worker stops is logged and dropped: the next change is announced anew.
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
  timeoutMs?: number;
  /** Notices held while the receiver is down; the oldest are dropped past it. */
  maxPending?: number;
}

const MAX_DELAY_MS = 300_000;

type Outcome = "sent" | "retry" | "give-up";

export class WebhookSender {
  private readonly pending: Notice[] = [];
  private draining?: Promise<void>;
  private readonly stopping = new AbortController();
  /** Posts made, for the log and the tests. */
  attemptsMade = 0;

  constructor(private readonly o: SenderOptions) {}

  send(notice: Notice): void {
    if (this.stopping.signal.aborted) return;
    this.pending.push(notice);
    const max = this.o.maxPending ?? 100;
    while (this.pending.length > max) {
      const dropped = this.pending.shift()!;
      this.o.log("warn", "alert webhook backlog full: notice dropped", { event: dropped.event });
    }
    this.draining ??= this.drain().finally(() => (this.draining = undefined));
  }

  /** Resolves when nothing is waiting (for tests and orderly shutdown). */
  async idle(): Promise<void> {
    while (this.draining) await this.draining;
  }

  /** Stops retrying; what waits is logged and dropped. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await this.idle();
  }

  private async drain(): Promise<void> {
    while (this.pending.length > 0 && !this.stopping.signal.aborted) {
      await this.deliver(this.pending[0]!);
      this.pending.shift();
    }
    if (this.pending.length > 0) {
      this.o.log("warn", "alert notices not sent before stop", { count: this.pending.length });
      this.pending.length = 0;
    }
  }

  private async deliver(notice: Notice): Promise<void> {
    const attempts = this.o.attempts ?? 8;
    for (let i = 1; i <= attempts; i++) {
      const outcome = await this.post(notice);
      if (outcome === "sent") return;
      const last = outcome === "give-up" || i === attempts || this.stopping.signal.aborted;
      if (last) {
        this.o.log("warn", "alert notice not delivered", { event: notice.event, attempts: i });
        return;
      }
      const delay = Math.min((this.o.baseDelayMs ?? 2_000) * 2 ** (i - 1), MAX_DELAY_MS);
      await sleep(delay, this.stopping.signal);
    }
  }

  /** One post; the URL is a secret (Slack's carries its token), so only the status is logged. */
  private async post(notice: Notice): Promise<Outcome> {
    this.attemptsMade++;
    const { body, headers } = webhookRequest(
      this.o.format,
      notice,
      this.o.secret,
      Date.now() / 1000,
    );
    try {
      const res = await fetch(this.o.url, {
        method: "POST",
        headers,
        body,
        redirect: "error",
        // A hung receiver is given up at the timeout, or at once when the worker stops.
        signal: AbortSignal.any([
          AbortSignal.timeout(this.o.timeoutMs ?? 10_000),
          this.stopping.signal,
        ]),
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
