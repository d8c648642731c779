import { describe, expect, it } from "vitest";
import { toDlqEntry } from "@/lib/queues/message";
import { useApp } from "../helpers/app";
import { qk } from "../helpers/cluster-mode";

/** Notes on error groups over HTTP: set, shown, refused, cleared, audited; the known gauge. */
const app = useApp({ REDRIVE_METRICS_TOKEN: "metrics-token-metrics-token" });

const dead = (id: string, message: string) =>
  toDlqEntry(Buffer.from(`{"id":"${id}"}`), {
    error: { type: "E", message },
    retryCount: 3,
    failedAt: new Date(),
    originalQueue: "document",
  });

const send = async (method: string, body: unknown, user = "admin") =>
  app.call("/api/admin/errors/document/notes", {
    cookie: await app.login(user),
    method,
    body: JSON.stringify(body),
  });

async function groups() {
  const res = await app.call("/api/admin/errors/document", { cookie: await app.login("viewer") });
  return ((await res.json()) as { groups: { id: string; example: string; note?: unknown }[] })
    .groups;
}

describe("error group notes", () => {
  it("should show an admin's note and mark to everyone, count its failures in the metrics, and clear it", async () => {
    await app.redis.lpush(
      qk("document_dlq"),
      dead("a", "timeout"),
      dead("b", "timeout"),
      dead("c", "bad"),
    );
    const timeout = (await groups()).find((g) => g.example === "timeout")!;
    const body = {
      group: timeout.id,
      note: "upstream down",
      link: "https://tickets.example/42",
      known: true,
    };
    const set = await send("POST", body);
    expect(set.status).toBe(200);
    const noted = (await groups()).find((g) => g.id === timeout.id)!;
    expect(noted.note).toMatchObject({
      note: "upstream down",
      known: true,
      until: null,
      by: "admin",
    });
    const metrics = await app.call("/api/metrics", {
      headers: { authorization: "Bearer metrics-token-metrics-token" },
    });
    expect(await metrics.text()).toContain(
      'redrive_dlq_known_last_hour_messages{queue="document"} 2',
    );
    const audit = await app.call("/api/admin/audit?limit=1", { cookie: await app.login("admin") });
    const [entry] = ((await audit.json()) as { entries: { action: string; detail: string }[] })
      .entries;
    expect(entry).toMatchObject({
      action: "note error group",
      detail: `group ${timeout.id}: known; note "upstream down"; link https://tickets.example/42`,
    });
    expect((await send("DELETE", { group: timeout.id })).status).toBe(200);
    expect((await groups()).find((g) => g.id === timeout.id)!.note).toBeUndefined();
    expect((await send("DELETE", { group: timeout.id })).status).toBe(404);
  });

  it("should refuse a viewer, a link that is not http(s), and a date more than a year ahead", async () => {
    const group = "0123456789ab";
    expect((await send("POST", { group, note: "x" }, "viewer")).status).toBe(403);
    expect((await send("POST", { group, link: "javascript:alert(1)" })).status).toBe(400);
    const far = Math.floor(Date.now() / 1000) + 400 * 86_400;
    expect((await send("POST", { group, known: true, until: far })).status).toBe(400);
    expect((await send("POST", { group, note: "x".repeat(501) })).status).toBe(400);
    expect(await app.redis.hlen("redrive:group-notes")).toBe(0);
  });
});
