import { describe, expect, it } from "vitest";
import { toDlqEntry } from "@/lib/queues/message";
import { useApp } from "../helpers/app";
import { qk } from "../helpers/cluster-mode";

/** Export by a viewer while REDRIVE_REDACT is set: names are the tokens shown, never guesses. */
const app = useApp(
  { REDRIVE_EXPORTERS: "READER", REDRIVE_REDACT: "email,error.message" },
  { users: ["reader:viewer"] },
);

const dead = (id: string, message: string) =>
  toDlqEntry(Buffer.from(`{"id":"${id}","email":"${id}@example.com"}`), {
    error: { type: "E", message },
    retryCount: 3,
    failedAt: new Date(),
    originalQueue: "document",
  });

const lines = async (res: Response) => {
  const text = await res.text();
  return text === ""
    ? []
    : text
        .trimEnd()
        .split("\n")
        .map((l) => JSON.parse(l) as { identity: string; entry: { email: string } });
};

describe("a masked reader's export", () => {
  it("should select by the tokens the reader was shown, and confirm no guessed id or group", async () => {
    await app.redis.lpush(
      qk("document_dlq"),
      dead("secret-1", "card declined"),
      dead("secret-2", "timeout"),
    );
    const cookie = await app.login("reader");
    const page = await app.call("/api/admin/dlq/document", { cookie });
    const shown = ((await page.json()) as { messages: { identity: string }[] }).messages;
    const post = (identity: string) =>
      app.call("/api/admin/dlq/document/export", {
        cookie,
        method: "POST",
        body: JSON.stringify({ messages: [{ identity }] }),
      });
    // A guess of the masked id finds nothing; the token the page showed finds the entry.
    expect(await lines(await post("id:secret-1"))).toEqual([]);
    const byToken = await lines(await post(shown[1]!.identity));
    expect(byToken.map((l) => l.entry.email)).toEqual(["[redacted]"]);
    const groups = await app.call("/api/admin/errors/document", { cookie });
    const [token] = ((await groups.json()) as { groups: { id: string }[] }).groups;
    expect(token!.id).toMatch(/^v:/);
    const { groups: real } = (await (
      await app.call("/api/admin/errors/document", { cookie: await app.login("admin") })
    ).json()) as { groups: { id: string }[] };
    const guessed = await app.call(`/api/admin/dlq/document/export?group=${real[0]!.id}`, {
      cookie,
    });
    expect(await lines(guessed)).toEqual([]);
    const named = await app.call(
      `/api/admin/dlq/document/export?group=${encodeURIComponent(token!.id)}`,
      {
        cookie,
      },
    );
    expect(await lines(named)).toHaveLength(1);
  });

  it("should refuse an export a link on another site starts with the session's cookie", async () => {
    const res = await app.call("/api/admin/dlq/document/export", {
      cookie: await app.login("reader"),
      headers: { "sec-fetch-site": "cross-site" },
    });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: { code: "CROSS_SITE" } });
  });
});
