import { describe, expect, it } from "vitest";
import { useRedis } from "../helpers/redis";
import { ownKey } from "@/lib/own-keys";
import { keepMigrated, migrate, type MigrateLog } from "@/lib/schema/runner";
import { until } from "../helpers/until";
import { readSchema, schemaKey, SCHEMA_VERSION } from "@/lib/schema/version";
import { runScript } from "@/lib/redis/scripts";
import { beginLogin, loginSucceeded } from "@/lib/auth/throttle";
import { VERSION } from "@/lib/version";

const r = useRedis();

function recorder() {
  const lines: { level: string; msg: string; fields: Record<string, unknown> }[] = [];
  const log: MigrateLog = (level, msg, fields) => void lines.push({ level, msg, fields });
  return { lines, log };
}

const loginKey = (kind: string, h: string) => ownKey(r.config, `{login}:${kind}:${h}`);

/** What builds before schema 2 left: counters at -1 and at 2 without a TTL, one with a TTL, one foreign value. */
async function seedOldCounters() {
  await r.redis.set(loginKey("cu", "a"), "-1");
  await r.redis.set(loginKey("u", "b"), "2");
  await r.redis.set(loginKey("c", "c"), "1", "EX", 100);
  await r.redis.set(loginKey("c", "d"), "not a counter");
}

describe("stored state migrations", () => {
  it("should give login counters without a TTL their window, leave a foreign value, and record the schema", async () => {
    await seedOldCounters();
    const { log, lines } = recorder();
    const outcome = await migrate(r.engine.ctx, { owner: "w1", log });
    expect(outcome).toMatchObject({ from: 1, to: SCHEMA_VERSION });
    expect(outcome.ran[0]!.result).toMatchObject({ changed: 2, left: 1, unchanged: 1 });
    expect(await r.redis.ttl(loginKey("cu", "a"))).toBe(r.config.LOGIN_WINDOW_SECONDS);
    expect(await r.redis.ttl(loginKey("u", "b"))).toBe(r.config.LOGIN_USER_WINDOW_SECONDS);
    expect(await r.redis.ttl(loginKey("c", "c"))).toBeLessThanOrEqual(100);
    expect(await r.redis.ttl(loginKey("c", "d"))).toBe(-1);
    expect(await r.redis.get(loginKey("c", "d"))).toBe("not a counter");
    const schema = await readSchema(r.redis, r.config);
    expect(schema).toMatchObject({ version: SCHEMA_VERSION, release: VERSION, lock: "" });
    expect(schema.progress.size).toBe(0);
    expect(lines.map((l) => l.msg)).toEqual(["running migration", "migration done"]);
  });

  it("should write nothing and say what it would change when run as a dry run", async () => {
    await seedOldCounters();
    const outcome = await migrate(r.engine.ctx, { owner: "w1", log: () => {}, dryRun: true });
    expect(outcome.ran[0]!.result).toMatchObject({ changed: 2, left: 1 });
    expect(await r.redis.ttl(loginKey("cu", "a"))).toBe(-1);
    expect(await r.redis.exists(schemaKey(r.config))).toBe(0);
  });

  it("should change nothing and run no migration when the state is at this release's schema", async () => {
    await migrate(r.engine.ctx, { owner: "w1", log: () => {} });
    await r.redis.set(loginKey("cu", "z"), "-1");
    const again = await migrate(r.engine.ctx, { owner: "w2", log: () => {} });
    expect(again).toEqual({ from: SCHEMA_VERSION, to: SCHEMA_VERSION, ran: [] });
    expect(await r.redis.ttl(loginKey("cu", "z"))).toBe(-1);
  });

  it("should leave a state at a newer schema alone and warn when an older release starts on it", async () => {
    await r.redis.hset(schemaKey(r.config), "version", SCHEMA_VERSION + 1);
    await r.redis.set(loginKey("cu", "a"), "-1");
    const { log, lines } = recorder();
    const outcome = await migrate(r.engine.ctx, { owner: "w1", log });
    expect(outcome.ran).toEqual([]);
    expect(lines).toEqual([
      expect.objectContaining({ level: "warn", msg: "stored state is newer than this release" }),
    ]);
    expect(await r.redis.ttl(loginKey("cu", "a"))).toBe(-1);
    expect(await r.redis.hget(schemaKey(r.config), "version")).toBe(String(SCHEMA_VERSION + 1));
  });

  it("should wait, saying who migrates, while another worker holds the lock, and not migrate twice", async () => {
    await seedOldCounters();
    const key = [schemaKey(r.config)];
    expect(await runScript(r.redis, "schemaStep", key, ["acquire", "other", 60_000])).toEqual([
      1,
      "other",
    ]);
    const waiting = recorder();
    const second = migrate(r.engine.ctx, { owner: "w2", log: waiting.log, pollMs: 20 });
    await new Promise((res) => setTimeout(res, 200));
    expect(waiting.lines).toEqual([
      expect.objectContaining({
        msg: "waiting for another worker to migrate the stored state",
        fields: { holder: "other", from: 1, to: SCHEMA_VERSION },
      }),
    ]);
    expect(await r.redis.ttl(loginKey("cu", "a"))).toBe(-1);
    const first = await migrate(r.engine.ctx, { owner: "other", log: () => {} });
    expect(first.ran).toHaveLength(1);
    expect(await second).toMatchObject({ ran: [], waitedFor: "other" });
  });

  it("should take over the lock when its holder's lease ran out, and resume from its progress", async () => {
    await seedOldCounters();
    const key = [schemaKey(r.config)];
    await runScript(r.redis, "schemaStep", key, ["acquire", "dead", 1]);
    // A SCAN cursor the dead worker saved; the rest of the scan is redone, which is idempotent.
    await r.redis.hset(schemaKey(r.config), "progress:2", "elsewhere:1 17");
    await new Promise((res) => setTimeout(res, 20));
    const { log, lines } = recorder();
    const outcome = await migrate(r.engine.ctx, { owner: "w2", log });
    expect(outcome.ran[0]).toMatchObject({ resumed: true, result: { changed: 2 } });
    expect(lines[0]).toMatchObject({
      msg: "resuming migration",
      fields: { resumeFrom: "elsewhere:1 17" },
    });
    expect((await readSchema(r.redis, r.config)).progress.size).toBe(0);
  });

  it("should refuse a step by a worker whose lock another has taken", async () => {
    const key = [schemaKey(r.config)];
    await runScript(r.redis, "schemaStep", key, ["acquire", "a", 60_000]);
    expect(await runScript(r.redis, "schemaStep", key, ["progress", "b", 2, "x"])).toBe(0);
    expect(await runScript(r.redis, "schemaStep", key, ["done", "b", 2, "v", "progress:2"])).toBe(
      0,
    );
    expect(await r.redis.hget(schemaKey(r.config), "version")).toBeNull();
  });
});

describe("keeping the schema", () => {
  it("should migrate again when the schema hash is lost while the worker runs (a Redis restarted without its data)", async () => {
    const stop = new AbortController();
    const kept = keepMigrated(
      r.engine.ctx,
      { owner: "w1", log: () => {}, signal: stop.signal },
      20,
    );
    try {
      await r.redis.set(loginKey("cu", "a"), "-1");
      await until(
        async () => (await readSchema(r.redis, r.config)).version === SCHEMA_VERSION,
        "migrated",
      );
      expect(await r.redis.ttl(loginKey("cu", "a"))).toBe(r.config.LOGIN_WINDOW_SECONDS);
      await r.redis.del(schemaKey(r.config));
      await until(async () => (await readSchema(r.redis, r.config)).release === VERSION, "again");
    } finally {
      stop.abort();
      await kept;
    }
  });
});

describe("login counters", () => {
  it("should not create a counter at -1 when a login succeeds after one of its windows ended", async () => {
    const gate = await beginLogin(r.redis, r.config, { name: "admin", client: "10.0.0.1" });
    if (!gate.allowed) throw new Error("the first attempt is allowed");
    // Their windows end between the count and the password check.
    for (const key of gate.counted) await r.redis.del(key);
    await loginSucceeded(r.redis, gate);
    for (const key of gate.counted) expect(await r.redis.exists(key)).toBe(0);
  });
});
