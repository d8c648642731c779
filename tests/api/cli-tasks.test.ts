import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toDlqEntry } from "@/lib/queues/message";
import { useApp } from "../helpers/app";
import { cliRunner, newToken } from "../helpers/cli";
import { qk } from "../helpers/cluster-mode";
import { startWorkerProcess, type WorkerProcess } from "../helpers/worker-process";

/**
 * `redrive dlq requeue-all | delete-all --wait`: tasks run by a real worker
 * service process beside the dashboard, followed by the command line.
 */
const app = useApp();
const redrive = cliRunner(app);
let worker: WorkerProcess;

beforeAll(() => {
  worker = startWorkerProcess(app.workerEnv());
});

afterAll(async () => {
  worker.child.kill("SIGTERM");
  await worker.exited;
});

async function fill(queue: string, count: number): Promise<void> {
  const entries = Array.from({ length: count }, (_, i) =>
    toDlqEntry(Buffer.from(`{"id":"${queue}-${i}"}`), {
      error: { type: "E", message: "m" },
      retryCount: 3,
      failedAt: new Date(),
      originalQueue: queue,
    }),
  );
  await app.redis.lpush(qk(`${queue}_dlq`), ...entries);
}

interface TaskLine {
  task: { state: string; moved: number; total: number };
}

// Each test runs the command line several times: a child process each, slower on a busy machine.
describe("the redrive command line's tasks", { timeout: 60_000 }, () => {
  it("should requeue all at a rate and show its progress until it is done", async () => {
    await fill("document", 12);
    const admin = await newToken(app, "admin");
    const run = await redrive(["dlq", "requeue-all", "document", "--rate", "4", "--wait"], admin);
    expect(run.code, run.err + worker.log()).toBe(0);
    const lines = run.err.trim().split("\n");
    // Plain lines (no terminal), at most one a second, while it runs: 12 at 4 a second.
    expect(lines.length, run.err).toBeGreaterThanOrEqual(3);
    // The worker may claim the task before the first poll: pending or already running.
    expect(lines[0]).toMatch(
      /^requeue all document: [01] of 12 \([08]%\) at 4 msg\/s, (pending|running)$/,
    );
    expect(
      lines.some((l) => /: ([1-9]|1[01]) of 12 .*running$/.test(l)),
      run.err,
    ).toBe(true);
    expect(run.out).toBe("requeue all document: 12 of 12 (100%) at 4 msg/s, done\n");
    expect(await app.redis.llen(qk("document_queue"))).toBe(12);
    expect(await app.redis.llen(qk("document_dlq"))).toBe(0);
  });

  it("should print a JSON line per change with --json, and exit 3 when the task had nothing to move", async () => {
    await fill("video", 6);
    const admin = await newToken(app, "admin");
    const args = ["dlq", "delete-all", "video", "--rate", "3", "--wait", "--json", "--yes"];
    const run = await redrive(args, admin);
    expect(run.code, run.err + worker.log()).toBe(0);
    const lines = run.out
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as TaskLine);
    expect(lines.length).toBeGreaterThanOrEqual(3);
    expect(lines.at(-1)!.task).toMatchObject({ state: "done", moved: 6, total: 6 });
    const moved = lines.map((l) => l.task.moved);
    expect(moved).toEqual([...moved].sort((a, b) => a - b));
    expect(await app.redis.llen(qk("video_dlq"))).toBe(0);
    const empty = await redrive(["dlq", "requeue-all", "video", "--wait"], admin);
    expect(empty.code).toBe(3);
    expect(empty.err).toContain("nothing moved");
  });

  it("should refuse a second task of the queue, and cancel the first", async () => {
    await fill("audio", 8);
    const admin = await newToken(app, "admin");
    const started = await redrive(["dlq", "requeue-all", "audio", "--rate", "1"], admin);
    expect(started.code, started.err).toBe(0);
    expect(started.out).toContain("follow it: redrive dlq task audio --wait");
    const second = await redrive(["dlq", "delete-all", "audio", "--yes"], admin);
    expect(second.code).toBe(3);
    expect(second.err).toContain("409");
    const cancelled = await redrive(["dlq", "cancel", "audio"], admin);
    expect(cancelled.code, cancelled.err).toBe(0);
    const followed = await redrive(["dlq", "task", "audio", "--wait"], admin);
    expect(followed.code).toBe(3);
    expect(followed.out).toMatch(/requeue all audio: \d of 8 \(\d+%\) at 1 msg\/s, cancelled/);
    expect(await app.redis.llen(qk("audio_dlq"))).toBeGreaterThan(0);
  });

  it("should redraw one progress line on a terminal", async () => {
    await fill("graph", 8);
    const admin = await newToken(app, "admin");
    const args = ["dlq", "requeue-all", "graph", "--rate", "4", "--wait"];
    const followed = await redrive(args, { ...admin, terminal: true });
    expect(followed.code, followed.out).toBe(0);
    // Each change redrawn in place: a carriage return and "erase the line", no new line.
    expect(followed.out.split("\r\x1b[K").length, followed.out).toBeGreaterThanOrEqual(3);
    expect(followed.out).toContain("requeue all graph: 8 of 8 (100%) at 4 msg/s, done");
  });
});
