import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import bcrypt from "bcrypt";
import { describe, expect, it } from "vitest";
import { cookiesOf, logIn, postCredentials } from "@/scripts/http-client";
import { PASSWORD, useApp } from "../helpers/app";

/** Short lifetimes so that a test sees sessions end: 5.4 s absolute, 2.4 s idle. */
const usersFile = join(mkdtempSync(join(tmpdir(), "redrive-users-")), "users");
const opsHash = bcrypt.hashSync(PASSWORD, 4);
writeFileSync(usersFile, `ops:admin:${opsHash}\n`);

const app = useApp({
  SESSION_MAX_AGE_HOURS: "0.0015",
  SESSION_IDLE_MINUTES: "0.04",
  SESSION_RECHECK_SECONDS: "0.5",
  REDRIVE_USERS_FILE: usersFile,
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function stats(cookie: string): Promise<number> {
  return (await app.call("/api/admin/dlq/stats", { cookie })).status;
}

async function act(cookie: string): Promise<number> {
  return (await app.call("/api/session/activity", { cookie, method: "POST", body: "{}" })).status;
}

describe("sessions", () => {
  it("should end at the absolute lifetime although next-auth keeps re-issuing the cookie", async () => {
    let cookie = await app.login("admin");
    const seen: number[] = [];
    const started = Date.now();
    while (Date.now() - started < 6_500) {
      await act(cookie);
      const res = await app.call("/api/auth/session", { cookie });
      const fresh = cookiesOf(res).find((c) => c.includes("session-token="));
      if (fresh && !fresh.endsWith("=")) cookie = fresh;
      seen.push(await stats(cookie));
      await sleep(600);
    }
    expect(seen[0]).toBe(200);
    expect(seen.at(-1)).toBe(401);
  });

  it("should sign out a dashboard that only polls after the idle timeout, and not one whose user acts", async () => {
    const polling = await app.login("admin");
    const working = await app.login("admin");
    const changing = await app.login("admin");
    for (let i = 0; i < 6; i++) {
      await sleep(600);
      await stats(polling);
      expect(await act(working)).toBe(200);
      const review = { cookie: changing, method: "POST", body: "{}" };
      expect((await app.call("/api/admin/review/document", review)).status).toBe(200);
    }
    expect(await stats(polling)).toBe(401);
    expect(await stats(working)).toBe(200);
    expect(await stats(changing)).toBe(200);
  });

  it("should take away a demoted or removed user's rights without a restart", async () => {
    const cookie = await logIn(app.url, "ops", PASSWORD);
    const review = () =>
      app.call("/api/admin/review/document", { cookie, method: "POST", body: "{}" });
    expect((await review()).status).toBe(200);
    writeFileSync(usersFile, `ops:viewer:${opsHash}\n`);
    await sleep(1_200);
    expect((await review()).status).toBe(403);
    writeFileSync(usersFile, "# nobody\n");
    await sleep(1_200);
    expect(await stats(cookie)).toBe(401);
    writeFileSync(usersFile, `ops:admin:${opsHash}\n`);
  });

  it("should end every session of a user when they sign out everywhere", async () => {
    const laptop = await app.login("admin");
    const phone = await app.login("admin");
    const other = await app.login("viewer");
    const res = await app.call("/api/session/end-all", {
      cookie: phone,
      method: "POST",
      body: "{}",
    });
    expect(res.status).toBe(200);
    await sleep(700);
    expect(await stats(laptop)).toBe(401);
    expect(await stats(phone)).toBe(401);
    expect(await stats(other)).toBe(200);
    expect(await stats(await app.login("admin"))).toBe(200);
  });

  it("should let an admin end another user's sessions, audited, and not a viewer", async () => {
    const admin = await app.login("admin");
    const viewer = await app.login("viewer");
    const end = (cookie: string, user: string) =>
      app.call("/api/admin/sessions/end", {
        cookie,
        method: "POST",
        body: JSON.stringify({ user }),
      });
    expect((await end(viewer, "admin")).status).toBe(403);
    expect((await end(admin, "viewer")).status).toBe(200);
    await sleep(700);
    expect(await stats(viewer)).toBe(401);
    expect(await stats(admin)).toBe(200);
    const audit = (await (await app.call("/api/admin/audit", { cookie: admin })).json()) as {
      entries: { action: string; detail?: string }[];
    };
    expect(audit.entries[0]).toMatchObject({ action: "end sessions", detail: "user viewer" });
  });

  it("should keep a read-only display session without activity and refuse its changes", async () => {
    const res = await postCredentials(app.url, "admin", PASSWORD, { fields: { display: "true" } });
    const cookie = cookiesOf(res).find((c) => c.includes("session-token="))!;
    for (let i = 0; i < 5; i++) {
      await sleep(700);
      expect(await stats(cookie)).toBe(200);
    }
    const review = await app.call("/api/admin/review/document", {
      cookie,
      method: "POST",
      body: "{}",
    });
    expect(review.status).toBe(403);
  });

  it("should not accept a signed-out session's cookie again", async () => {
    const cookie = await app.login("viewer");
    const csrf = await app.call("/api/auth/csrf");
    const { csrfToken } = (await csrf.json()) as { csrfToken: string };
    const out = await fetch(`${app.url}/api/auth/signout`, {
      method: "POST",
      redirect: "manual",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        cookie: [...cookiesOf(csrf), cookie].join("; "),
      },
      body: new URLSearchParams({ csrfToken, json: "true" }),
    });
    expect(out.status).toBeLessThan(400);
    await sleep(700);
    // The browser forgot the cookie; a copy someone kept is refused too.
    expect(await stats(cookie)).toBe(401);
  });

  it("should refuse session changes from another site", async () => {
    const cookie = await app.login("viewer");
    const res = await app.call("/api/session/end-all", {
      cookie,
      method: "POST",
      body: "{}",
      headers: { origin: "https://evil.example" },
    });
    expect(res.status).toBe(403);
    expect(await stats(cookie)).toBe(200);
  });
});
