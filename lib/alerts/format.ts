import { createHmac } from "node:crypto";
import type { WebhookFormat } from "../alert-settings";

/**
 * One message to a chat or a receiver, and its body in each format:
 *
 * - slack: an incoming webhook's `{text, blocks}` (mrkdwn, with the link);
 * - teams: a message holding an Adaptive Card, which Teams' workflow
 *   webhooks (and connector-style receivers) accept;
 * - generic: Redrive's own JSON, signed: `Redrive-Signature: t=<unix
 *   seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">` with
 *   REDRIVE_ALERT_WEBHOOK_SECRET, so that the receiver can check who sent it
 *   and refuse a replay whose t is old.
 *
 * Text that comes from dead letters (error messages in the digest) is
 * untrusted: escaped for each chat's markup, so that it cannot add links or
 * mentions, and cut to a length the chats accept.
 */
export interface Notice {
  event: "alert.firing" | "alert.resolved" | "digest";
  title: string;
  /** Plain text lines, each shown as it is. */
  lines: string[];
  /** The dashboard page it is about, when the public URL is known. */
  link?: { url: string; label: string };
  /** The generic format's machine-readable part. */
  data: Record<string, unknown>;
}

export interface WebhookRequest {
  body: string;
  headers: Record<string, string>;
}

/** The most of one line sent to a chat; dead letters' messages can be megabytes. */
export const LINE_MAX_CHARS = 300;
const LINES_MAX = 40;

function cut(text: string): string {
  return text.length <= LINE_MAX_CHARS ? text : `${text.slice(0, LINE_MAX_CHARS - 1)}…`;
}

/** Slack's mrkdwn: only &, < and > are markup (links, mentions). */
const slackEscape = (t: string) =>
  t.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");

/** Markdown of Adaptive Cards: a backslash before each character that could start markup. */
const markdownEscape = (t: string) => t.replace(/[\\`*_{}[\]()#+\-.!<>|~]/g, (c) => `\\${c}`);

function slack(n: Notice): string {
  const lines = n.lines.slice(0, LINES_MAX).map((l) => slackEscape(cut(l)));
  const link = n.link ? `\n<${n.link.url}|${slackEscape(n.link.label)}>` : "";
  const text = `*${slackEscape(n.title)}*\n${lines.join("\n")}${link}`;
  return JSON.stringify({
    text: slackEscape(n.title),
    blocks: [{ type: "section", text: { type: "mrkdwn", text: text.slice(0, 2900) } }],
  });
}

function teams(n: Notice): string {
  const card = {
    type: "AdaptiveCard",
    $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
    version: "1.4",
    body: [
      { type: "TextBlock", text: markdownEscape(n.title), weight: "Bolder", wrap: true },
      ...n.lines
        .slice(0, LINES_MAX)
        .map((l) => ({ type: "TextBlock", text: markdownEscape(cut(l)), wrap: true })),
    ],
    actions: n.link ? [{ type: "Action.OpenUrl", title: n.link.label, url: n.link.url }] : [],
  };
  return JSON.stringify({
    type: "message",
    attachments: [{ contentType: "application/vnd.microsoft.card.adaptive", content: card }],
  });
}

/** The signature header of the generic format, for `body` sent at `t` (unix seconds). */
export function signature(secret: string, t: number, body: string): string {
  const mac = createHmac("sha256", secret).update(`${t}.${body}`).digest("hex");
  return `t=${t},v1=${mac}`;
}

/**
 * The request for one try of a notice. `delivery` is the same on every try of
 * it (delivery is at least once): the `Redrive-Delivery` header in every
 * format, and `delivery` in the generic body, let a receiver drop a repeat.
 */
export function webhookRequest(
  format: WebhookFormat,
  n: Notice,
  secret: string | undefined,
  nowSeconds: number,
  delivery: string,
): WebhookRequest {
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "redrive-delivery": delivery,
  };
  if (format === "slack") return { body: slack(n), headers };
  if (format === "teams") return { body: teams(n), headers };
  const t = Math.floor(nowSeconds);
  const body = JSON.stringify({
    event: n.event,
    delivery,
    title: n.title,
    lines: n.lines.slice(0, LINES_MAX).map(cut),
    url: n.link?.url ?? null,
    sentAt: t,
    ...n.data,
  });
  return { body, headers: { ...headers, "redrive-signature": signature(secret ?? "", t, body) } };
}
