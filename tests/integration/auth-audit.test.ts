import { describe, expect, it } from "vitest";
import { appendAudit, readAudit } from "@/lib/audit/audit";
import { clearLoginFailures, loginThrottle, recordLoginFailure } from "@/lib/auth/throttle";
import { hashPassword, parseUsers, verifyPassword } from "@/lib/auth/users";
import { useRedis } from "../helpers/redis";

const r = useRedis();

describe("users", () => {
  it("should parse name:role:hash entries and verify passwords", async () => {
    const hash = await hashPassword("correct horse");
    const users = parseUsers(`ada:admin:${hash}\n# a viewer\nbob:viewer:${hash}`, "test");
    expect(users.map((u) => [u.name, u.role])).toEqual([
      ["ada", "admin"],
      ["bob", "viewer"],
    ]);
    expect((await verifyPassword(users, "ada", "correct horse"))?.role).toBe("admin");
    expect(await verifyPassword(users, "ada", "wrong")).toBeNull();
    expect(await verifyPassword(users, "nobody", "correct horse")).toBeNull();
  });

  it("should name the bad entry when one is malformed", () => {
    expect(() => parseUsers("ada:root:x", "REDRIVE_USERS")).toThrow(
      /REDRIVE_USERS: entry 1 is not name:role:bcrypt-hash/,
    );
  });
});

describe("login throttle", () => {
  it("should block a user from one IP after the maximum failures and say for how long", async () => {
    for (let i = 0; i < 4; i++) await recordLoginFailure(r.redis, r.config, "ada", "10.0.0.1");
    expect((await loginThrottle(r.redis, r.config, "ada", "10.0.0.1")).blocked).toBe(false);
    await recordLoginFailure(r.redis, r.config, "ada", "10.0.0.1");
    const state = await loginThrottle(r.redis, r.config, "ada", "10.0.0.1");
    expect(state.blocked).toBe(true);
    expect(state.retryAfter).toBeGreaterThan(890);
    expect((await loginThrottle(r.redis, r.config, "ada", "10.0.0.2")).blocked).toBe(false);
    await clearLoginFailures(r.redis, "ada", "10.0.0.1");
    expect((await loginThrottle(r.redis, r.config, "ada", "10.0.0.1")).blocked).toBe(false);
  });
});

describe("audit log", () => {
  it("should page newest first with a cursor", async () => {
    for (let i = 0; i < 5; i++) {
      await appendAudit(r.redis, {
        user: "ada",
        role: "admin",
        action: `requeue ${i}`,
        queue: "document",
        identities: [`id:${i}`],
        result: "ok",
        ip: "127.0.0.1",
      });
    }
    const first = await readAudit(r.redis, 2);
    expect(first.entries.map((e) => e.action)).toEqual(["requeue 4", "requeue 3"]);
    expect(first.entries[0]).toMatchObject({ user: "ada", count: 1, identities: ["id:4"] });
    const second = await readAudit(r.redis, 2, first.next!);
    expect(second.entries.map((e) => e.action)).toEqual(["requeue 2", "requeue 1"]);
    const last = await readAudit(r.redis, 2, second.next!);
    expect(last.entries.map((e) => e.action)).toEqual(["requeue 0"]);
    expect(last.next).toBeNull();
  });
});
