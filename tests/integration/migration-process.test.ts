import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { useRedis } from "../helpers/redis";
import { until } from "../helpers/until";
import { startWorkerProcess, type WorkerProcess } from "../helpers/worker-process";
import { ownKey } from "@/lib/own-keys";
import { readSchema, SCHEMA_VERSION } from "@/lib/schema/version";
import { LEASE_MS } from "@/lib/schema/runner";

const r = useRedis();

function startWorker(): WorkerProcess {
  return startWorkerProcess({ ...r.env, RETRY_WORKER_INTERVAL_SECONDS: "0.2" });
}

async function stop(worker: WorkerProcess): Promise<void> {
  worker.child.kill("SIGTERM");
  await worker.exited;
}

const COUNTERS = 100_000;

/** Login counters as builds before schema 2 could leave them, at -1 with no TTL: enough that migrating them takes a while. */
async function seedCounters(): Promise<void> {
  for (let at = 0; at < COUNTERS; at += 10_000) {
    const p = r.redis.pipeline();
    for (let i = at; i < at + 10_000; i += 1) p.set(ownKey(r.config, `{login}:cu:${i}`), "-1");
    await p.exec();
  }
}

async function countersWithoutTtl(): Promise<number> {
  let left = 0;
  for (let at = 0; at < COUNTERS; at += 10_000) {
    const p = r.redis.pipeline();
    for (let i = at; i < at + 10_000; i += 1) p.ttl(ownKey(r.config, `{login}:cu:${i}`));
    left += ((await p.exec()) ?? []).filter(([, ttl]) => ttl === -1).length;
  }
  return left;
}

const count = (text: string, what: string) => text.split(what).length - 1;

describe("npm run migrate", () => {
  it("should refuse a mistyped flag and write nothing", async () => {
    await r.redis.set(ownKey(r.config, "{login}:cu:x"), "-1");
    const res = spawnSync(
      process.execPath,
      ["--import", "tsx", "--conditions=react-server", "scripts/migrate.ts", "--dryrun"],
      { env: { ...process.env, ...r.env }, encoding: "utf8" },
    );
    expect(res.status).toBe(2);
    expect(res.stderr).toContain("usage: npm run migrate [-- --dry-run]");
    expect(await r.redis.ttl(ownKey(r.config, "{login}:cu:x"))).toBe(-1);
    expect((await readSchema(r.redis, r.config)).version).toBe(1);
  }, 30_000);
});

describe("the worker's migration at start", () => {
  it("should resume after the worker is killed in the middle of a migration, and finish it", async () => {
    await seedCounters();
    const first = startWorker();
    const saved = await until(
      async () => (await readSchema(r.redis, r.config)).progress.get(2) ?? null,
      "the migration's first progress",
    );
    first.child.kill("SIGKILL");
    await first.exited;
    const between = await readSchema(r.redis, r.config);
    expect(between.version).toBe(1);
    const left = await countersWithoutTtl();
    expect(left).toBeGreaterThan(0);
    expect(left).toBeLessThan(COUNTERS);

    const second = startWorker();
    try {
      // The killed worker's lock holds until its lease (LEASE_MS) ends; then this one takes over.
      await until(
        async () => second.log().includes('"retry worker run"'),
        "the second worker's run",
        LEASE_MS + 20_000,
      );
      expect(second.log()).toContain('"waiting for another worker to migrate the stored state"');
      expect(second.log()).toMatch(/"resuming migration".*"resumeFrom":"[^"]+ \d+"/);
      expect(saved).toMatch(/^\S+ \d+$/);
      expect((await readSchema(r.redis, r.config)).version).toBe(SCHEMA_VERSION);
      expect(await countersWithoutTtl()).toBe(0);
    } finally {
      await stop(second);
    }
  }, 120_000);

  it("should migrate once when two workers start at once, the other waiting and saying why", async () => {
    await seedCounters();
    const workers = [startWorker(), startWorker()];
    try {
      for (const w of workers) {
        await until(
          async () => w.log().includes('"retry worker run"'),
          "both workers running",
          60_000,
        );
      }
      const logs = workers.map((w) => w.log());
      expect(logs.map((l) => count(l, '"running migration"')).sort()).toEqual([0, 1]);
      const waiter = logs.find((l) => !l.includes('"running migration"'))!;
      expect(waiter).toMatch(
        /"waiting for another worker to migrate the stored state".*"holder":"[^"]+"/,
      );
      expect((await readSchema(r.redis, r.config)).version).toBe(SCHEMA_VERSION);
      expect(await countersWithoutTtl()).toBe(0);
    } finally {
      await Promise.all(workers.map(stop));
    }
  }, 120_000);
});
