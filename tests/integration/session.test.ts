import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { encode } from "next-auth/jwt";
import { beforeAll, describe, expect, it } from "vitest";
import { createSession, endAllSessions, endSession, touchSession } from "@/lib/auth/sessions";
import { hashPassword } from "@/lib/auth/users";
import { useRedis } from "../helpers/redis";

const SECRET = "unit-secret-unit-secret-unit-secret";
const r = useRedis();
const usersFile = join(mkdtempSync(join(tmpdir(), "redrive-users-")), "users");
let userOfCookies: typeof import("@/lib/auth/session").userOfCookies;
let hash: string;

beforeAll(async () => {
  hash = await hashPassword("pw");
  writeFileSync(usersFile, `ana:admin:${hash}\nbob:viewer:${hash}\n`);
  // The dashboard's config is read once, on first use: set it before.
  Object.assign(process.env, {
    NEXTAUTH_SECRET: SECRET,
    REDIS_URL: r.server.url,
    REDRIVE_USERS_FILE: usersFile,
    SESSION_IDLE_MINUTES: "0.05",
    SESSION_RECHECK_SECONDS: "0.1",
  });
  ({ userOfCookies } = await import("@/lib/auth/session"));
});

async function cookieFor(name: string, claims: Record<string, unknown> = {}): Promise<string> {
  const { sid, loginAt } = await createSession(r.redis, r.config, { user: name, display: false });
  const token = await encode({
    token: { name, role: "admin", sid, loginAt, provider: "credentials", ...claims },
    secret: SECRET,
  });
  return `theme=dark; next-auth.session-token=${token}`;
}

const sleep = (ms: number) => new Promise((res) => setTimeout(res, ms));

describe("userOfCookies", () => {
  it("should return the user of a live session with the role configured now", async () => {
    expect(await userOfCookies(await cookieFor("ana"), r.redis)).toMatchObject({
      name: "ana",
      role: "admin",
    });
    // The token says admin; the users file says viewer: the file wins.
    expect(await userOfCookies(await cookieFor("bob"), r.redis)).toMatchObject({ role: "viewer" });
  });

  it("should refuse tampered, foreign-secret and pre-session tokens", async () => {
    const good = (await cookieFor("ana")).split("session-token=")[1]!;
    const tampered = good.slice(0, -4) + (good.endsWith("AAAA") ? "BBBB" : "AAAA");
    const foreign = await encode({
      token: { name: "eve", sid: "x", loginAt: Date.now() },
      secret: "x".repeat(40),
    });
    const oldStyle = await encode({ token: { name: "ana", role: "admin" }, secret: SECRET });
    for (const t of [tampered, foreign, oldStyle, "", "not-a-jwt"]) {
      expect(await userOfCookies(`next-auth.session-token=${t}`, r.redis), t).toBeNull();
    }
  });

  it("should end a signed-out session, and make again one whose record Redis lost", async () => {
    const out = await cookieFor("ana");
    const lost = await cookieFor("ana");
    await endSession(r.redis, r.config, (await userOfCookies(out, r.redis))!.sid);
    const lostSid = (await userOfCookies(lost, r.redis))!.sid;
    await r.redis.del(`redrive:session:${lostSid}`);
    await sleep(150); // past the re-check interval
    expect(await userOfCookies(out, r.redis)).toBeNull();
    expect(await userOfCookies(lost, r.redis)).toMatchObject({ name: "ana" });
    expect(await r.redis.hget(`redrive:session:${lostSid}`, "user")).toBe("ana");
  });

  it("should end a session at its absolute lifetime whatever the cookie's own expiry says", async () => {
    const cookie = await cookieFor("ana", { loginAt: Date.now() - 9 * 3_600_000 });
    expect(await userOfCookies(cookie, r.redis)).toBeNull();
  });

  it("should end a session after the idle time when only polling happens, and not when the user acts", async () => {
    const idle = await cookieFor("ana");
    const active = await cookieFor("ana");
    const sid = async (cookie: string) => (await userOfCookies(cookie, r.redis))!.sid;
    const activeSid = await sid(active);
    for (let i = 0; i < 8; i++) {
      await sleep(500); // 4 s against an idle timeout of 3 s
      await userOfCookies(idle, r.redis); // polling
      await touchSession(r.redis, r.config, activeSid);
    }
    expect(await userOfCookies(idle, r.redis)).toBeNull();
    expect(await userOfCookies(active, r.redis)).toMatchObject({ name: "ana" });
  });

  it("should end every session of a user when they sign out everywhere", async () => {
    const a = await cookieFor("ana");
    const b = await cookieFor("bob");
    expect(await userOfCookies(a, r.redis)).not.toBeNull();
    await endAllSessions(r.redis, r.config, "ana");
    await sleep(150); // past the re-check interval
    expect(await userOfCookies(a, r.redis)).toBeNull();
    expect(await userOfCookies(b, r.redis)).not.toBeNull();
    // A login after that is a new session and counts.
    expect(await userOfCookies(await cookieFor("ana"), r.redis)).not.toBeNull();
  });

  it("should follow the users file within the re-check interval when a user is demoted or removed", async () => {
    const ana = await cookieFor("ana");
    const bob = await cookieFor("bob");
    expect(await userOfCookies(ana, r.redis)).toMatchObject({ role: "admin" });
    writeFileSync(usersFile, `ana:viewer:${hash}\n`);
    await sleep(300);
    expect(await userOfCookies(ana, r.redis)).toMatchObject({ role: "viewer" });
    expect(await userOfCookies(bob, r.redis)).toBeNull();
    writeFileSync(usersFile, `ana:admin:${hash}\nbob:viewer:${hash}\n`);
  });
});
