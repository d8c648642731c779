import { z } from "zod";
import { int, num } from "./env-schemas";

/**
 * Alert delivery without Prometheus (lib/alerts/): where the worker posts
 * alert changes and the daily digest, in which format, and when. Part of the
 * one configuration (lib/config.ts spreads these in); the README's "Alerts
 * and the daily digest" section documents each variable.
 */
export const WEBHOOK_FORMATS = ["slack", "teams", "generic"] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];

const HH_MM = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** An IANA time zone name this Node knows (its ICU data decides). */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export const alertSettingsShape = {
  /** Incoming-webhook URL (Slack, Teams workflow, or any HTTPS receiver): a secret, never logged. */
  REDRIVE_ALERT_WEBHOOK_URL: z
    .url({ protocol: /^https?$/, error: "expected an http:// or https:// URL" })
    .optional(),
  REDRIVE_ALERT_WEBHOOK_FORMAT: z
    .enum(WEBHOOK_FORMATS, { error: `expected one of ${WEBHOOK_FORMATS.join(", ")}` })
    .optional(),
  /** Signs the generic format's body (HMAC-SHA256), so the receiver can tell it is Redrive's. */
  REDRIVE_ALERT_WEBHOOK_SECRET: z
    .string()
    .min(16, { error: "expected at least 16 characters" })
    .optional(),
  /** How often a worker compares the queues with the alert thresholds. */
  REDRIVE_ALERT_CHECK_SECONDS: num(0.05, 3600).default(30),
  /** How long an alert's condition must stay clear before "resolved" is sent (no flapping). */
  REDRIVE_ALERT_RESOLVE_SECONDS: int(0, 86_400).default(300),
  /** How long one post may take before it is tried again; a notice is leased for twice this. */
  REDRIVE_ALERT_WEBHOOK_TIMEOUT_SECONDS: num(0.5, 120).default(10),
  /** The daily digest's local time, HH:MM in REDRIVE_TIMEZONE; unset, no digest. */
  REDRIVE_DIGEST_AT: z
    .string()
    .regex(HH_MM, { error: "expected a 24-hour time as HH:MM, e.g. 09:00" })
    .optional(),
  REDRIVE_TIMEZONE: z
    .string()
    .refine(isTimeZone, { error: "expected an IANA time zone such as Europe/Berlin or UTC" })
    .default("UTC"),
};

interface AlertSettings {
  REDRIVE_ALERT_WEBHOOK_URL?: string;
  REDRIVE_ALERT_WEBHOOK_FORMAT?: WebhookFormat;
  REDRIVE_ALERT_WEBHOOK_SECRET?: string;
  REDRIVE_DIGEST_AT?: string;
}

/** What only the variables together can tell. */
export function alertSettingsProblems(s: AlertSettings): string[] {
  const problems: string[] = [];
  if (s.REDRIVE_ALERT_WEBHOOK_URL && !s.REDRIVE_ALERT_WEBHOOK_FORMAT) {
    problems.push(
      `REDRIVE_ALERT_WEBHOOK_FORMAT: required with REDRIVE_ALERT_WEBHOOK_URL (${WEBHOOK_FORMATS.join(", ")})`,
    );
  }
  if (s.REDRIVE_ALERT_WEBHOOK_FORMAT === "generic" && !s.REDRIVE_ALERT_WEBHOOK_SECRET) {
    problems.push("REDRIVE_ALERT_WEBHOOK_SECRET: required by the generic format, which signs");
  }
  if (s.REDRIVE_DIGEST_AT && !s.REDRIVE_ALERT_WEBHOOK_URL) {
    problems.push("REDRIVE_DIGEST_AT: the digest is posted to REDRIVE_ALERT_WEBHOOK_URL; set it");
  }
  return problems;
}
