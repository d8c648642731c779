import { describe, expect, it } from "vitest";
import { useApp } from "../helpers/app";

/**
 * REDRIVE_KEY_PREFIX: a second deployment (a staging dashboard, say) keeps
 * its sessions, audit and idempotency records under its own prefix on a
 * shared Redis, and the queues stay the backend's.
 */
const app = useApp({ REDRIVE_KEY_PREFIX: "staging" });

describe("REDRIVE_KEY_PREFIX", () => {
  it("should keep Redrive's own keys under the prefix and the queues' names as they are", async () => {
    await app.redis.lpush("document_dlq", JSON.stringify({ id: "a" }));
    const admin = await app.login("admin");
    const res = await app.call("/api/admin/dlq/document/requeue/0", {
      cookie: admin,
      method: "POST",
      body: JSON.stringify({ identity: "id:a" }),
      headers: { "idempotency-key": "prefix-test" },
    });
    expect(res.status).toBe(200);
    expect(await app.redis.lrange("document_queue", 0, -1)).toEqual(['{"id":"a"}']);

    const keys = (await app.redis.keys("*")).filter((k) => !k.startsWith("document_"));
    expect(keys.filter((k) => !k.startsWith("staging:"))).toEqual([]);
    expect(await app.redis.xlen("staging:audit")).toBe(1);
    expect(keys.some((k) => k.startsWith("staging:session:"))).toBe(true);
    expect(keys.some((k) => k.startsWith("staging:idempotency:"))).toBe(true);

    const audit = await app.call("/api/admin/audit", { cookie: admin });
    const page = (await audit.json()) as { entries: { action: string }[] };
    expect(page.entries.map((e) => e.action)).toEqual(["requeue"]);
  });

  it("should not see another deployment's audit when it reads its own", async () => {
    await app.redis.xadd("redrive:audit", "*", "e", JSON.stringify({ user: "x", action: "other" }));
    const admin = await app.login("admin");
    const page = (await (await app.call("/api/admin/audit", { cookie: admin })).json()) as {
      entries: unknown[];
    };
    expect(page.entries).toEqual([]);
  });
});
