import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  appendAudit,
  auditKey,
  DEFAULT_AUDIT_OPTIONS,
  pendingAuditEntries,
  readAudit,
  type AuditRecord,
} from "@/lib/audit/audit";
import {
  denialsKey,
  DENIED_FIELDS_MAX,
  deniedMinuteKey,
  flushDeniedLog,
  readDenied,
  recordDenial,
} from "@/lib/audit/denied";
import { useRedis } from "../helpers/redis";

const r = useRedis();
const DAY = 86_400_000;

const admin = (action: string): AuditRecord => ({
  user: "ada",
  role: "admin",
  action,
  queue: "document",
  identities: ["id:1"],
  result: "ok",
  ip: "10.0.0.1",
});
const denied = (user: string, action = "requeue"): AuditRecord => ({
  user,
  role: "viewer",
  action,
  queue: "document",
  result: "denied",
  detail: "Viewers cannot change anything",
  ip: "10.0.0.2",
});

/** The JSON lines this process writes to stdout and stderr while a test runs. */
let lines: Record<string, unknown>[] = [];
const originals = { out: process.stdout.write, err: process.stderr.write };
beforeEach(() => {
  lines = [];
  const capture = (chunk: unknown) => {
    for (const line of String(chunk).split("\n")) {
      if (line.startsWith("{")) lines.push(JSON.parse(line) as Record<string, unknown>);
    }
    return true;
  };
  process.stdout.write = capture as typeof process.stdout.write;
  process.stderr.write = capture as typeof process.stderr.write;
});
afterEach(() => {
  process.stdout.write = originals.out;
  process.stderr.write = originals.err;
});

describe("admin actions and denials", () => {
  it("should keep every admin action when a viewer sends many denied requests", async () => {
    await appendAudit(r.redis, admin("requeue"));
    // More than the stream's default bound of 100 000 entries.
    const total = 150_000;
    for (let sent = 0; sent < total; sent += 5_000) {
      await Promise.all(Array.from({ length: 5_000 }, () => appendAudit(r.redis, denied("bob"))));
    }
    const actions = await r.redis.xrange(auditKey(r.config), "-", "+");
    expect(actions).toHaveLength(1);
    const page = await readAudit(r.redis, 50);
    expect(page.entries.filter((e) => e.user === "ada")).toMatchObject([
      { action: "requeue", result: "ok" },
    ]);
    // The first few of each minute are kept in full; every one is counted.
    expect(page.entries.filter((e) => e.result === "denied").length).toBeLessThanOrEqual(6);
    const summary = await readDenied(r.redis, 5);
    const counted = summary.rows.filter((row) => row.user === "bob");
    expect(counted.reduce((sum, row) => sum + row.count, 0)).toBe(total);
    // Per process, a user's denials are written in full only a few times a minute.
    const full = lines.filter((l) => l.msg === "audit" && l.user === "bob");
    expect(full.length).toBeLessThanOrEqual(6);
  }, 120_000);

  it("should summarise denials per user per minute with a bound on the fields", async () => {
    const minute = 30_000_000;
    const at = minute * 60_000 + 1_000;
    for (let i = 0; i < 5; i++)
      await recordDenial(r.redis, denied("bob"), DEFAULT_AUDIT_OPTIONS, at);
    await recordDenial(r.redis, denied("bob", "delete"), DEFAULT_AUDIT_OPTIONS, at);
    await recordDenial(r.redis, denied("eve"), DEFAULT_AUDIT_OPTIONS, at);
    await recordDenial(r.redis, denied("eve"), DEFAULT_AUDIT_OPTIONS, at - 60_000);

    const summary = await readDenied(r.redis, 2, at);
    expect(summary.truncated).toBe(false);
    expect(summary.rows).toEqual([
      { minute: minute * 60, user: "bob", action: "requeue", count: 5 },
      { minute: minute * 60, user: "bob", action: "delete", count: 1 },
      { minute: minute * 60, user: "eve", action: "requeue", count: 1 },
      { minute: (minute - 1) * 60, user: "eve", action: "requeue", count: 1 },
    ]);
    expect((await readDenied(r.redis, 1, at)).rows).toHaveLength(3);
    // Kept in full: the first three of bob's requeues, his delete, eve's two.
    expect(await r.redis.xlen(denialsKey(r.config))).toBe(6);
    const ttl = await r.redis.ttl(deniedMinuteKey(r.config, minute));
    expect(ttl).toBeGreaterThan(7 * 86_400 - 10);
    expect(ttl).toBeLessThanOrEqual(7 * 86_400);

    // Many distinct users in one minute: the hash stops growing, the rest is counted together.
    const next = at + 60_000;
    await Promise.all(
      Array.from({ length: DENIED_FIELDS_MAX + 50 }, (_, i) =>
        recordDenial(r.redis, denied(`user${i}`), DEFAULT_AUDIT_OPTIONS, next),
      ),
    );
    expect(await r.redis.hlen(deniedMinuteKey(r.config, minute + 1))).toBe(DENIED_FIELDS_MAX + 1);
    const rows = (await readDenied(r.redis, 1, next)).rows;
    expect(rows.find((row) => row.overflow)).toMatchObject({ user: "(other users)", count: 50 });
    expect(rows.reduce((sum, row) => sum + row.count, 0)).toBe(DENIED_FIELDS_MAX + 50);
  });

  it("should log a user's first denials of a minute in full and then one summary line", async () => {
    const minute = 30_000_100;
    const at = minute * 60_000 + 5_000;
    for (let i = 0; i < 10; i++)
      await recordDenial(r.redis, denied("mallory"), DEFAULT_AUDIT_OPTIONS, at);
    expect(lines.filter((l) => l.msg === "audit" && l.user === "mallory")).toHaveLength(3);
    flushDeniedLog(at + 1_000);
    expect(lines.filter((l) => l.msg === "audit denied summary" && l.user === "mallory")).toEqual(
      [],
    );
    flushDeniedLog((minute + 1) * 60_000);
    expect(lines.filter((l) => l.msg === "audit denied summary" && l.user === "mallory")).toEqual([
      expect.objectContaining({
        user: "mallory",
        count: 10,
        minute: new Date(minute * 60_000).toISOString(),
      }),
    ]);
  });
});

describe("retention", () => {
  it("should drop admin entries older than the retention when one is appended", async () => {
    const now = Date.now();
    await r.redis.xadd(
      auditKey(r.config),
      `${now - 200 * DAY}-0`,
      "e",
      JSON.stringify(admin("old 200")),
    );
    await r.redis.xadd(
      auditKey(r.config),
      `${now - 91 * DAY}-0`,
      "e",
      JSON.stringify(admin("old 91")),
    );
    await r.redis.xadd(
      auditKey(r.config),
      `${now - 89 * DAY}-0`,
      "e",
      JSON.stringify(admin("kept 89")),
    );
    await appendAudit(r.redis, admin("new"));
    const page = await readAudit(r.redis, 10);
    expect(page.entries.map((e) => e.action)).toEqual(["new", "kept 89"]);

    await appendAudit(r.redis, admin("newer"), { ...DEFAULT_AUDIT_OPTIONS, retentionDays: 30 });
    expect((await readAudit(r.redis, 10)).entries.map((e) => e.action)).toEqual(["newer", "new"]);
  });

  it("should keep the stream near its size bound", async () => {
    const options = { ...DEFAULT_AUDIT_OPTIONS, maxEntries: 100 };
    for (let i = 0; i < 1_000; i++) await appendAudit(r.redis, admin(`a${i}`), options);
    const length = await r.redis.xlen(auditKey(r.config));
    expect(length).toBeGreaterThanOrEqual(100);
    expect(length).toBeLessThan(300);
  });
});

describe("a stream write that fails", () => {
  it("should buffer the entry and write it, with its own time, before the next one", async () => {
    await r.redis.set(auditKey(r.config), "not a stream");
    const id = await appendAudit(r.redis, admin("requeue while broken"));
    expect(id).toBe("");
    expect(pendingAuditEntries()).toBe(1);
    expect(lines.find((l) => l.msg === "audit")).toMatchObject({ action: "requeue while broken" });
    expect(lines.find((l) => l.msg === "audit stream write failed")).toMatchObject({
      level: "error",
      buffered: 1,
    });

    await new Promise((resolve) => setTimeout(resolve, 20));
    await r.redis.del(auditKey(r.config));
    await appendAudit(r.redis, admin("requeue after"));
    expect(pendingAuditEntries()).toBe(0);
    const entries = (await readAudit(r.redis, 10)).entries;
    expect(entries.map((e) => e.action)).toEqual(["requeue after", "requeue while broken"]);
    const [after, broken] = entries;
    // Both written now; the buffered one keeps the time it happened.
    expect(Number(broken!.id.split("-")[0]) / 1000 - broken!.at).toBeGreaterThanOrEqual(0.015);
    expect(after!.at).toBeGreaterThan(broken!.at);
  });
});
