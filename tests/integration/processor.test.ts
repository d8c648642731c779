import { startWorkerProcess } from "../helpers/worker-process";
import { describe, expect, it } from "vitest";
import {
  PermanentError,
  Processor,
  processOne,
  recoverAbandoned,
  type Outcome,
} from "@/lib/worker/processor";
import { useRedis } from "../helpers/redis";
import { qk } from "../helpers/cluster-mode";

const r = useRedis();

/** Takes one message the way a consumer does, without the loop. */
async function take(queue = "document"): Promise<Buffer> {
  const raw = await r.redis.blmoveBuffer(
    qk(`${queue}_queue`),
    qk(`${queue}_queue:processing`),
    "RIGHT",
    "LEFT",
    1,
  );
  if (!raw) throw new Error("nothing to take");
  return raw;
}

const fails = (error: Error) => async () => {
  throw error;
};

describe("processOne", () => {
  it("should acknowledge a message when the handler succeeds", async () => {
    await r.engine.enqueue("document", { id: "a" });
    const seen: string[] = [];
    const outcome = await processOne(
      r.engine.ctx,
      { queue: "document", handler: async (m) => void seen.push(m.identity) },
      await take(),
    );
    expect(outcome).toBe("done");
    expect(seen).toEqual(["id:a"]);
    expect(await r.redis.llen(qk("document_queue:processing"))).toBe(0);
    expect(await r.redis.hlen(qk("document_queue:processing:leases"))).toBe(0);
  });

  it("should schedule a retry while retry_count is below MAX_RETRY_ATTEMPTS", async () => {
    await r.engine.enqueue("document", '{"id":"a","retry_count":2}');
    const outcome = await processOne(
      r.engine.ctx,
      { queue: "document", handler: fails(new Error("flaky")) },
      await take(),
    );
    expect(outcome).toBe("retry");
    const [member, score] = await r.redis.zrange(qk("document_retry"), "0", "-1", "WITHSCORES");
    expect(member).toBe('{"id":"a","retry_count":3}');
    expect(Number(score)).toBeGreaterThanOrEqual(r.clock.now + 240);
    expect(await r.redis.llen(qk("document_queue:processing"))).toBe(0);
  });

  it("should dead-letter a message with its error once retries are used up", async () => {
    await r.engine.enqueue("document", '{"job_id":"j","filename":"f.pdf","retry_count":3}');
    const outcome = await processOne(
      r.engine.ctx,
      { queue: "document", handler: fails(new TypeError("bad page")) },
      await take(),
    );
    expect(outcome).toBe("dlq");
    const [entry] = await r.engine.getDlqMessages("document");
    expect(entry).toMatchObject({
      errorType: "TypeError",
      errorMessage: "bad page",
      retryCount: 3,
      originalQueue: "document",
    });
    expect(entry!.errorStack).toContain("bad page");
    expect(await r.redis.hget("dlq:metadata:j:f.pdf", "error_type")).toBe("TypeError");
    expect(await r.redis.llen(qk("document_queue:processing"))).toBe(0);
  });

  it("should dead-letter a PermanentError at once", async () => {
    await r.engine.enqueue("document", "not json");
    const outcome = await processOne(
      r.engine.ctx,
      { queue: "document", handler: fails(new PermanentError("unsupported format")) },
      await take(),
    );
    expect(outcome).toBe("dlq");
    expect(await r.redis.lrange(qk("document_dlq"), 0, -1)).toEqual(["not json"]);
  });

  it("should dead-letter a message that is not a JSON object at its first failure, twin included", async () => {
    // Two identical messages: scheduled as retries, the second would collide with the first
    // and, with no field to make it unique, loop on Redis for ever.
    await r.engine.enqueue("document", "plain text job");
    await r.engine.enqueue("document", "plain text job");
    const handler = { queue: "document", handler: fails(new Error("flaky")) };
    const outcomes = [];
    for (let i = 0; i < 2; i++)
      outcomes.push(await processOne(r.engine.ctx, handler, await take()));
    expect(outcomes).toEqual(["dlq", "dlq"]);
    expect(await r.redis.lrange(qk("document_dlq"), 0, -1)).toEqual([
      "plain text job",
      "plain text job",
    ]);
    expect(await r.redis.zcard(qk("document_retry"))).toBe(0);
  }, 10_000);

  it("should report lost when its message was recovered while the handler ran", async () => {
    await r.engine.enqueue("document", "m");
    const outcome = await processOne(
      r.engine.ctx,
      {
        queue: "document",
        handler: async () => void (await r.redis.del(qk("document_queue:processing"))),
      },
      await take(),
    );
    expect(outcome).toBe("lost");
  });

  it("should leave a metadata hash that joins no entry when the message was lost before it was dead-lettered", async () => {
    const message = '{"job_id":"j","filename":"f.pdf","retry_count":3}';
    await r.engine.pushToDlq("document", message, new Error("first cause"), 3);
    await r.engine.enqueue("document", message);
    // The hash is written before the move; the move finds the message gone.
    const lost = async () => void (await r.redis.del(qk("document_queue:processing")));
    const handler = async () => {
      await lost();
      throw new PermanentError("second cause");
    };
    expect(await processOne(r.engine.ctx, { queue: "document", handler }, await take())).toBe(
      "lost",
    );
    expect(await r.redis.hget("dlq:metadata:j:f.pdf", "error_message")).toBe("second cause");
    expect(await r.redis.ttl("dlq:metadata:j:f.pdf")).toBeGreaterThan(0);
    const [only, ...rest] = await r.engine.getDlqMessages("document");
    expect(rest).toEqual([]);
    expect(only).toMatchObject({ errorMessage: "first cause", metadata: null });
  });
});

describe("Processor", () => {
  it("should consume a queue with several slots and stop cleanly", async () => {
    for (let i = 0; i < 40; i++) await r.engine.enqueue("audio", { id: i, retry_count: 3 });
    const outcomes: Outcome[] = [];
    const processor = new Processor(r.engine.ctx, {
      queue: "audio",
      connect: r.connect,
      concurrency: 3,
      blockSeconds: 0.1,
      handler: async (m) => {
        if ((m.json!.id as number) % 4 === 0) throw new Error("every fourth fails");
      },
      onOutcome: (o) => outcomes.push(o),
    });
    processor.start();
    while (outcomes.length < 40) await new Promise((res) => setTimeout(res, 20));
    await processor.stop();
    expect(outcomes.filter((o) => o === "done")).toHaveLength(30);
    expect(await r.redis.llen(qk("audio_dlq"))).toBe(10);
    expect(await r.redis.llen(qk("audio_queue:processing"))).toBe(0);
  });
});

describe("recoverAbandoned", () => {
  it("should return a dead consumer's message to its work queue once its lease is stale", async () => {
    await r.engine.enqueue("video", { id: "orphan" });
    await take("video"); // the consumer dies here, before touching its lease
    expect(await recoverAbandoned(r.engine.ctx, "video")).toBe(0); // first sight starts the clock
    r.clock.now += 30;
    expect(await recoverAbandoned(r.engine.ctx, "video")).toBe(0);
    r.clock.now += 31;
    expect(await recoverAbandoned(r.engine.ctx, "video")).toBe(1);
    expect(await r.redis.lrange(qk("video_queue"), 0, -1)).toEqual(['{"id":"orphan"}']);
    expect(await r.redis.llen(qk("video_queue:processing"))).toBe(0);
  });

  it("should leave a message alone while its consumer touches the lease", async () => {
    await r.engine.enqueue("video", "busy");
    const raw = await take("video");
    const { sha1 } = await import("@/lib/queues/message");
    await r.redis.hset(qk("video_queue:processing:leases"), sha1(raw), r.clock.now);
    r.clock.now += 59;
    expect(await recoverAbandoned(r.engine.ctx, "video")).toBe(0);
    expect(await r.redis.llen(qk("video_queue:processing"))).toBe(1);
  });
});

describe("npm run worker", () => {
  it("should finish its run and exit 0 on SIGTERM", async () => {
    await r.redis.zadd(qk("document_retry"), "1", "due");
    const worker = startWorkerProcess({ ...r.env, RETRY_WORKER_INTERVAL_SECONDS: "0.2" });
    while (!worker.log().includes('"retry worker run"')) {
      await new Promise((res) => setTimeout(res, 50));
    }
    worker.child.kill("SIGTERM");
    expect(await worker.exited).toBe(0);
    expect(worker.log()).toContain('"retry worker stopped"');
    expect(await r.redis.lrange(qk("document_queue"), 0, -1)).toEqual(["due"]);
  }, 30_000);

  it("should refuse to start with a message naming a bad variable", async () => {
    const worker = startWorkerProcess({ ...r.env, RETRY_BACKOFF_BASE_SECONDS: "soon" });
    expect(await worker.exited).toBe(1);
    const err = worker.log();
    expect(err).toContain("RETRY_BACKOFF_BASE_SECONDS: expected a number");
  }, 30_000);
});
