import { describe, expect, it } from "vitest";
import type Redis from "ioredis";
import { useRedis } from "../helpers/redis";
import { CLUSTER_MODE } from "../helpers/cluster-mode";
import { loadStateFixture } from "../helpers/state-fixture";
import { migrate } from "@/lib/schema/runner";
import { readSchema, schemaKey, SCHEMA_VERSION } from "@/lib/schema/version";
import { forRequeue } from "@/lib/queues/message";
import { RetryWorkerService } from "@/lib/worker/service";

/**
 * This release's engine, worker and migrations on the state Redrive 0.1.0
 * left (a populated demo's keys, captured by `npm run test:upgrade -- --capture`).
 */
const FIXTURE = "tests/fixtures/state/v0.1.0-demo.json";
const QUEUES = ["document", "video", "audio"];
const r = useRedis({ QUEUES: QUEUES.join(",") });

/** Every key's DUMP (type and value, not its TTL), by name. */
async function dumpAll(redis: Redis): Promise<Map<string, string>> {
  const keys = (await redis.keys("*")).sort();
  const dumps = await Promise.all(keys.map((k) => redis.dumpBuffer(k)));
  return new Map(keys.map((k, i) => [k, dumps[i]!.toString("base64")]));
}

describe.skipIf(CLUSTER_MODE)("the state 0.1.0 left", () => {
  it("should reach this release's schema and leave every key 0.1.0 wrote as it was", async () => {
    const loaded = await loadStateFixture(r.redis as Redis, FIXTURE);
    expect(loaded.keys.length).toBeGreaterThan(50);
    const before = await dumpAll(r.redis as Redis);
    expect((await readSchema(r.redis, r.config)).version).toBe(1);
    const outcome = await migrate(r.engine.ctx, { owner: "w", log: () => {} });
    expect(outcome).toMatchObject({ from: 1, to: SCHEMA_VERSION });
    // 0.1.0 counted logins elsewhere (`redrive:login:fail:<h>`, with a TTL): nothing to convert.
    expect(outcome.ran.map((m) => m.result)).toEqual([
      { changed: 0, left: 0, unchanged: 0, notes: [] },
    ]);
    const after = await dumpAll(r.redis as Redis);
    after.delete(schemaKey(r.config));
    expect(after).toEqual(before);
  });

  it("should run the worker service's pass on it without an error", async () => {
    await loadStateFixture(r.redis as Redis, FIXTURE);
    const service = new RetryWorkerService(r.engine.ctx, () => undefined);
    const report = await service.runOnce();
    expect(report.errors).toEqual([]);
    await service.stop();
  });

  it("should requeue every dead letter 0.1.0 wrote inside Redis exactly as the parser restores it", async () => {
    await loadStateFixture(r.redis as Redis, FIXTURE);
    for (const queue of QUEUES) {
      const entries = await r.redis.lrangeBuffer(`${queue}_dlq`, 0, -1);
      expect(entries.length, queue).toBeGreaterThan(0);
      // 0.1.0's processor wrote version 1 trailers; the document queue holds foreign entries.
      const v1 = entries.filter((e) => /"redrive_undo":\[\d+(,\d+,\d+)?\]\}$/.test(e.toString()));
      expect(v1.length > 0, queue).toBe(queue !== "document");
      const expected = entries.reverse().map((e) => forRequeue(e).toString());
      const before = await r.redis.llen(`${queue}_queue`);
      expect((await r.engine.requeueAll(queue)).moved).toBe(entries.length);
      const moved = await r.redis.lrange(`${queue}_queue`, 0, entries.length - 1);
      expect(moved.reverse(), queue).toEqual(expected);
      expect(await r.redis.llen(`${queue}_queue`)).toBe(before + entries.length);
    }
  });
});
