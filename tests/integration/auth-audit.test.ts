import { describe, expect, it } from "vitest";
import { appendAudit, readAudit } from "@/lib/audit/audit";
import bcrypt from "bcrypt";
import { beginLogin, loginSucceeded } from "@/lib/auth/throttle";
import {
  BusyError,
  costOf,
  dummyHash,
  HashGate,
  hashPassword,
  parseUsers,
  verifyPassword,
} from "@/lib/auth/users";
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
  const attempt = { name: "ada", client: "203.0.113.1" };

  it("should let exactly the limit through when thirty wrong passwords arrive at once", async () => {
    const gates = await Promise.all(
      Array.from({ length: 30 }, () => beginLogin(r.redis, r.config, attempt)),
    );
    expect(gates.filter((g) => g.allowed)).toHaveLength(5);
    const refused = gates.find((g) => !g.allowed);
    expect(refused).toMatchObject({ allowed: false });
    expect(refused && !refused.allowed && refused.retryAfter).toBeGreaterThan(890);
    // Another address is not blocked by this one's failures.
    expect(
      (await beginLogin(r.redis, r.config, { ...attempt, client: "203.0.113.2" })).allowed,
    ).toBe(true);
  });

  it("should stop one address spraying many user names", async () => {
    const allowed = [];
    for (let i = 0; i < 25; i++) {
      allowed.push(
        (await beginLogin(r.redis, r.config, { name: `u${i}`, client: "198.51.100.9" })).allowed,
      );
    }
    expect(allowed.filter(Boolean)).toHaveLength(20);
  });

  it("should keep the user's own browser working when others exhaust the user name's counter", async () => {
    for (let i = 0; i < 60; i++) {
      await beginLogin(r.redis, r.config, { name: "ada", client: `192.0.2.${i}` });
    }
    // Any new address is refused for this name now (shorter window)...
    const stranger = await beginLogin(r.redis, r.config, { name: "ada", client: "192.0.2.200" });
    expect(stranger).toMatchObject({ allowed: false });
    expect(!stranger.allowed && stranger.retryAfter).toBeLessThanOrEqual(300);
    // ...but a browser with a device cookie for ada has a counter of its own.
    const own = await beginLogin(r.redis, r.config, { ...attempt, device: "device-1" });
    expect(own.allowed).toBe(true);
  });

  it("should take back a successful attempt's count and forgive that client's failures", async () => {
    for (let i = 0; i < 4; i++) await beginLogin(r.redis, r.config, attempt);
    const ok = await beginLogin(r.redis, r.config, attempt);
    if (!ok.allowed) throw new Error("the fifth attempt should be allowed");
    await loginSucceeded(r.redis, ok);
    for (let i = 0; i < 5; i++)
      expect((await beginLogin(r.redis, r.config, attempt)).allowed).toBe(true);
  });
});

describe("password hashing", () => {
  it("should compare an unknown name against a hash of the users' own cost", async () => {
    const users = parseUsers(`ada:admin:${await bcrypt.hash("pw", 11)}`, "test");
    expect(costOf(await dummyHash(users))).toBe(11);
    expect(costOf(await dummyHash([]))).toBe(12);
  });

  it("should refuse at once when more logins wait than the ceiling allows", async () => {
    const gate = new HashGate(1, 1);
    let release = () => {};
    const first = gate.run(() => new Promise<void>((res) => (release = res)));
    const second = gate.run(async () => "second");
    await expect(gate.run(async () => "third")).rejects.toBeInstanceOf(BusyError);
    release();
    await first;
    expect(await second).toBe("second");
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
