import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PermanentError, processOne, recoverAbandoned } from "@/lib/worker/processor";
import { useRedis } from "../helpers/redis";

const r = useRedis({ QUEUES: "document" });
const Q = "document";
const KEYS = {
  work: "document_queue",
  processing: "document_queue:processing",
  retry: "document_retry",
  dlq: "document_dlq",
};

/** Every message id found in any of the queue's keys, with repeats. */
async function everyId(): Promise<string[]> {
  const [work, processing, retry, dlq] = await Promise.all([
    r.redis.lrange(KEYS.work, 0, -1),
    r.redis.lrange(KEYS.processing, 0, -1),
    r.redis.zrange(KEYS.retry, "0", "-1"),
    r.redis.lrange(KEYS.dlq, 0, -1),
  ]);
  return [...work, ...processing, ...retry, ...dlq].map(
    (raw) => (JSON.parse(raw) as { id: string }).id,
  );
}

const op = fc.oneof(
  fc.record({ kind: fc.constant("push" as const), n: fc.integer({ min: 1, max: 4 }) }),
  fc.record({ kind: fc.constant("fail" as const), permanent: fc.boolean() }),
  fc.record({ kind: fc.constant("succeed" as const) }),
  fc.record({ kind: fc.constant("crash" as const) }),
  fc.record({ kind: fc.constant("recover" as const) }),
  fc.record({ kind: fc.constant("promote" as const) }),
  fc.record({
    kind: fc.constantFrom("requeue" as const, "delete" as const),
    pick: fc.nat(),
    pushFirst: fc.nat(3),
  }),
  fc.record({
    kind: fc.constantFrom("requeueMany" as const, "deleteMany" as const),
    picks: fc.array(fc.nat(), { maxLength: 4 }),
  }),
  fc.record({ kind: fc.constantFrom("requeueAll" as const, "deleteAll" as const) }),
  fc.record({ kind: fc.constant("purge" as const), days: fc.integer({ min: 0, max: 10 }) }),
);
type Op = typeof op extends fc.Arbitrary<infer T> ? T : never;

describe("engine invariants", () => {
  it("should never lose or duplicate a message across random sequences of operations", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 30 }), async (ops) => {
        await r.redis.flushall();
        const alive = new Set<string>();
        let next = 0;
        const push = async (n: number) => {
          for (let i = 0; i < n; i++) {
            const id = `m${next++}`;
            alive.add(id);
            await r.engine.enqueue(Q, { id, retry_count: 0 });
          }
        };
        const take = () => r.redis.lmoveBuffer(KEYS.work, KEYS.processing, "RIGHT", "LEFT");
        const dlqPage = () => r.engine.getDlqMessages(Q, 0, 1000);
        const forget = (identity: string) => alive.delete(identity.slice(3));

        const run = async (o: Op) => {
          switch (o.kind) {
            case "push":
              return push(o.n);
            case "fail": {
              const raw = await take();
              const error = o.permanent ? new PermanentError("x") : new Error("x");
              if (raw)
                await processOne(
                  r.engine.ctx,
                  { queue: Q, handler: () => Promise.reject(error) },
                  raw,
                );
              return;
            }
            case "succeed": {
              const raw = await take();
              if (!raw) return;
              alive.delete((JSON.parse(raw.toString()) as { id: string }).id);
              await processOne(r.engine.ctx, { queue: Q, handler: async () => {} }, raw);
              return;
            }
            case "crash":
              return void (await take());
            case "recover":
              await recoverAbandoned(r.engine.ctx, Q);
              r.clock.now += 120;
              await recoverAbandoned(r.engine.ctx, Q);
              return;
            case "promote":
              r.clock.now += 10_000;
              return void (await r.engine.promoteDue(Q));
            case "requeue":
            case "delete": {
              const page = await dlqPage();
              const target = page[o.pick % Math.max(1, page.length)];
              if (!target) return;
              await push(o.pushFirst);
              if (o.kind === "requeue")
                await r.engine.requeueFromDlq(Q, target.index, target.identity);
              else {
                await r.engine.deleteFromDlq(Q, target.index, target.identity);
                forget(target.identity);
              }
              return;
            }
            case "requeueMany":
            case "deleteMany": {
              const page = await dlqPage();
              const targets = [
                ...new Set(
                  o.picks
                    .map((p) => page[p % Math.max(1, page.length)])
                    .filter((m) => m !== undefined),
                ),
              ];
              const mode = o.kind === "requeueMany" ? "requeueMany" : "deleteMany";
              const result = await r.engine[mode](
                Q,
                targets.map((t) => ({ identity: t.identity, index: t.index })),
              );
              expect(result.missing).toEqual([]);
              if (mode === "deleteMany") result.moved.forEach(forget);
              return;
            }
            case "requeueAll":
              return void (await r.engine.requeueAll(Q));
            case "deleteAll": {
              (await dlqPage()).forEach((m) => forget(m.identity));
              return void (await r.engine.deleteAll(Q));
            }
            case "purge": {
              r.clock.now += o.days * 86_400;
              const before = new Set((await dlqPage()).map((m) => m.identity));
              await r.engine.purgeExpired(Q);
              const after = new Set((await dlqPage()).map((m) => m.identity));
              for (const id of before) if (!after.has(id)) forget(id);
              return;
            }
          }
        };

        for (const o of ops) {
          await run(o);
          const ids = await everyId();
          expect(ids.length, `after ${JSON.stringify(o)}`).toBe(new Set(ids).size);
          expect(new Set(ids), `after ${JSON.stringify(o)}`).toEqual(alive);
        }
      }),
      { numRuns: 60 },
    );
  });
});
