import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { digestDueDate, localTime } from "@/lib/alerts/digest";
import { LINE_MAX_CHARS, webhookRequest, type Notice } from "@/lib/alerts/format";

const notice: Notice = {
  event: "digest",
  title: "Redrive daily digest",
  lines: [
    "<!channel> <https://evil.example|click> & [x](https://evil.example) **bold**",
    "y".repeat(5000),
  ],
  link: { url: "https://redrive.example.com/queues/document", label: "Open document" },
  data: { date: "2026-03-08" },
};

describe("webhook bodies", () => {
  it("should escape Slack's markup in dead letters' text so that it cannot mention or link", () => {
    const { body } = webhookRequest("slack", notice, undefined, 0, "d1");
    const text = (JSON.parse(body) as { blocks: { text: { text: string } }[] }).blocks[0]!.text
      .text;
    expect(text).toContain("&lt;!channel&gt; &lt;https://evil.example|click&gt; &amp;");
    expect(text).toContain("<https://redrive.example.com/queues/document|Open document>");
    expect(text).not.toContain("y".repeat(LINE_MAX_CHARS));
  });

  it("should escape Markdown in a Teams card and carry the link as an action", () => {
    const { body } = webhookRequest("teams", notice, undefined, 0, "d1");
    const card = (JSON.parse(body) as { attachments: { content: Record<string, unknown> }[] })
      .attachments[0]!.content as { body: { text: string }[]; actions: { url: string }[] };
    expect(card.body[1]!.text).toContain("\\[x\\]\\(https://evil\\.example\\) \\*\\*bold\\*\\*");
    expect(card.actions[0]!.url).toBe("https://redrive.example.com/queues/document");
  });

  it("should sign the generic body so that a receiver can check it with the secret", () => {
    const secret = "webhook-secret-webhook-secret";
    const { body, headers } = webhookRequest("generic", notice, secret, 1_800_000_000.7, "d1");
    const [t, v1] = headers["redrive-signature"]!.split(",").map((p) => p.split("=")[1]);
    expect(t).toBe("1800000000");
    const mac = createHmac("sha256", secret).update(`${t}.${body}`).digest("hex");
    expect(v1).toBe(mac);
    expect(JSON.parse(body)).toMatchObject({
      event: "digest",
      delivery: "d1",
      date: "2026-03-08",
      sentAt: 1_800_000_000,
    });
    expect(headers["redrive-delivery"]).toBe("d1");
  });
});

describe("the digest's local time", () => {
  const utc = (iso: string) => Date.parse(iso);

  it("should follow the zone's offset in winter and in summer", () => {
    // 09:00 in Berlin is 08:00 UTC in winter and 07:00 UTC in summer.
    expect(digestDueDate(utc("2026-01-15T07:59:00Z"), "09:00", "Europe/Berlin")).toBeNull();
    expect(digestDueDate(utc("2026-01-15T08:00:00Z"), "09:00", "Europe/Berlin")).toBe("2026-01-15");
    expect(digestDueDate(utc("2026-07-15T06:59:00Z"), "09:00", "Europe/Berlin")).toBeNull();
    expect(digestDueDate(utc("2026-07-15T07:00:00Z"), "09:00", "Europe/Berlin")).toBe("2026-07-15");
  });

  it("should reach a time the spring change skips at the jump, and a repeated autumn time once a date", () => {
    // New York, 2026-03-08: 02:00 EST jumps to 03:00 EDT, so 02:30 never happens.
    expect(localTime(utc("2026-03-08T06:59:00Z"), "America/New_York")).toEqual({
      date: "2026-03-08",
      minutes: 60 + 59,
    });
    expect(digestDueDate(utc("2026-03-08T06:59:00Z"), "02:30", "America/New_York")).toBeNull();
    expect(digestDueDate(utc("2026-03-08T07:00:00Z"), "02:30", "America/New_York")).toBe(
      "2026-03-08",
    );
    // 2026-11-01: 01:30 happens at 05:30 UTC (EDT) and again at 06:30 UTC (EST): the same date.
    const first = digestDueDate(utc("2026-11-01T05:30:00Z"), "01:30", "America/New_York");
    const again = digestDueDate(utc("2026-11-01T06:30:00Z"), "01:30", "America/New_York");
    expect(first).toBe("2026-11-01");
    expect(again).toBe(first);
  });

  it("should not send a stale digest when a worker starts hours after the time", () => {
    expect(digestDueDate(utc("2026-01-15T14:59:00Z"), "09:00", "UTC")).toBe("2026-01-15");
    expect(digestDueDate(utc("2026-01-15T15:00:00Z"), "09:00", "UTC")).toBeNull();
  });
});
