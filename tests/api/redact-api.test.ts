import { describe, expect, it } from "vitest";
import { cookiesOf, postCredentials } from "@/scripts/http-client";
import { toDlqEntry } from "@/lib/queues/message";
import { HIDDEN_LARGE } from "@/lib/queues/redact";
import { PASSWORD, useApp } from "../helpers/app";

const app = useApp({ REDRIVE_REDACT: "user.email,gcs_path" });

const EMAIL = "ann.secret@example.com";
const PATH = "gs://bucket/ann-secret-scan.pdf";
/** Odd spacing and key order: a requeue must give back these exact bytes. */
const ORIGINAL = `{"id":"m-1",  "user" : {"name":"Ann","email":"${EMAIL}"},"gcs_path":"${PATH}","n":12345678901234567890}`;

const stamp = {
  error: { type: "TimeoutError", message: "read timed out" },
  retryCount: 3,
  failedAt: new Date(),
  originalQueue: "document",
};
const entry = (m: string) => toDlqEntry(Buffer.from(m), stamp);

interface Message {
  index: number;
  identity: string;
  raw: string;
  payload: unknown;
  truncated?: boolean;
}

async function seed(): Promise<void> {
  const big = `{"id":"big","user":{"email":"${EMAIL}"},"pad":"${"x".repeat(100_000)}"}`;
  // Newest first: ORIGINAL at index 0, then a harmless one, then the large one.
  await app.redis.lpush(
    "document_dlq",
    entry(big),
    entry('{"id":"m-2","note":"nothing personal"}'),
    entry(ORIGINAL),
  );
  await app.redis.zadd("document_retry", 1_900_000_000, ORIGINAL.replace("m-1", "r-1"));
}

async function get(path: string, cookie: string): Promise<{ status: number; text: string }> {
  const res = await app.call(path, { cookie });
  return { status: res.status, text: await res.text() };
}

function leaks(text: string): boolean {
  return text.includes(EMAIL) || text.includes("ann-secret-scan") || text.includes("ann.secret");
}

async function displayCookie(): Promise<string> {
  const res = await postCredentials(app.url, "admin", PASSWORD, { fields: { display: "true" } });
  return cookiesOf(res).find((c) => c.includes("session-token="))!;
}

describe("REDRIVE_REDACT", () => {
  it("should never show a masked value when a viewer reads the DLQ page", async () => {
    await seed();
    for (const cookie of [await app.login("viewer"), await displayCookie()]) {
      const { status, text } = await get("/api/admin/dlq/document", cookie);
      expect(status).toBe(200);
      expect(leaks(text)).toBe(false);
      const { messages } = JSON.parse(text) as { messages: Message[] };
      expect(messages).toHaveLength(3);
      expect(messages[0]!.payload).toMatchObject({
        id: "m-1",
        user: { name: "Ann", email: "[redacted]" },
        gcs_path: "[redacted]",
      });
      expect(messages[1]!.raw).toContain("nothing personal");
      expect(messages[2]).toMatchObject({ truncated: true, raw: HIDDEN_LARGE, payload: null });
      expect(messages.every((m) => m.identity.startsWith("v:"))).toBe(true);
    }
  });

  it("should never show a masked value when a viewer opens a message, even after it moved", async () => {
    await seed();
    const viewer = await app.login("viewer");
    const list = JSON.parse((await get("/api/admin/dlq/document", viewer)).text) as {
      messages: Message[];
    };
    const [first, , large] = list.messages;
    // Two newer entries shift every index: the token is looked up where the entry went.
    await app.redis.lpush("document_dlq", entry('{"id":"n-1"}'), entry('{"id":"n-2"}'));
    for (const m of [first!, large!]) {
      const path = `/api/admin/dlq/document/message/${m.index}?identity=${encodeURIComponent(m.identity)}`;
      const { status, text } = await get(path, viewer);
      expect(status).toBe(200);
      expect(leaks(text)).toBe(false);
      const { message } = JSON.parse(text) as { message: Message };
      expect(message.payload).toMatchObject({ user: { email: "[redacted]" } });
    }
  });

  it("should never show a masked value when a viewer lists scheduled retries", async () => {
    await seed();
    const { status, text } = await get("/api/admin/retry/document", await app.login("viewer"));
    expect(status).toBe(200);
    expect(leaks(text)).toBe(false);
    expect(text).toContain("r-1");
    expect(text).toContain("[redacted]");
  });

  it("should find nothing for a viewer and the entry for an admin when the filter names a masked value", async () => {
    await seed();
    const viewer = await app.login("viewer");
    const admin = await app.login("admin");
    for (const q of [EMAIL, "ann-secret-scan", "SECRET@EXAMPLE"]) {
      const path = `/api/admin/dlq/document?q=${encodeURIComponent(q)}`;
      const seen = await get(path, viewer);
      expect(seen.status).toBe(200);
      // The response repeats the viewer's own query; nothing else may hold the value.
      const body = JSON.parse(seen.text) as { messages: Message[]; filter: { q: string } };
      expect(body.filter.q).toBe(q);
      expect(leaks(JSON.stringify({ ...body, filter: { ...body.filter, q: "" } }))).toBe(false);
      expect(body.messages).toEqual([]);
      const found = JSON.parse((await get(path, admin)).text) as { messages: Message[] };
      expect(found.messages.map((m) => m.identity)).toContain("id:m-1");
    }
    // What a viewer does see still matches.
    const ann = JSON.parse(
      (await get("/api/admin/dlq/document?q=%22name%22%3A%22Ann%22", viewer)).text,
    ) as { messages: Message[] };
    expect(ann.messages).toHaveLength(1);
  });

  it("should show an admin the exact entry and move its exact bytes when the admin requeues it", async () => {
    await seed();
    const admin = await app.login("admin");
    const { messages } = JSON.parse((await get("/api/admin/dlq/document", admin)).text) as {
      messages: Message[];
    };
    const m = messages[0]!;
    expect(m.identity).toBe("id:m-1");
    expect(m.raw).toBe(entry(ORIGINAL).toString("utf8"));
    expect(m.raw).toContain(EMAIL);
    const res = await app.call(`/api/admin/dlq/document/requeue/${m.index}`, {
      cookie: admin,
      method: "POST",
      body: JSON.stringify({ identity: m.identity }),
    });
    expect(res.status).toBe(200);
    expect(await app.redis.lrange("document_queue", 0, -1)).toEqual([ORIGINAL]);
    expect(await app.redis.llen("document_dlq")).toBe(2);
    // The audit keeps the admin's identity; a viewer reads it as a token.
    expect((await get("/api/admin/audit", admin)).text).toContain('"id:m-1"');
    const audit = await get("/api/admin/audit", await app.login("viewer"));
    expect(audit.status).toBe(200);
    expect(audit.text).not.toContain("id:m-1");
    expect(audit.text).toMatch(/"v:[0-9a-f]{40}"/);
  });
});
