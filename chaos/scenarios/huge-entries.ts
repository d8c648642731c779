import { dlqStamp, deadLetters } from "../../bench/lib/data";
import { scriptNames } from "../../bench/lib/tap";
import { metadataFields, metadataKeyOf, toDlqEntry } from "../../lib/queues/message";
import { createTask, getTask } from "../../lib/tasks/redrive";
import { logIn } from "../../scripts/http-client";
import { jobIdOf, takeCensus, type Census } from "../lib/census";
import { DASHBOARD_PASSWORD } from "../lib/dashboard";
import { QUEUE, sleep, waitUntil, type Observer } from "../lib/fixture";
import { withRig } from "../lib/rig";
import { watchRss, watchStalls, type Stalls } from "../lib/stalls";

/**
 * A DLQ holding a million small dead letters and three of 50 MB (the newest,
 * one in the middle, the oldest): the dashboard's pages polled, the whole DLQ
 * requeued by the worker's task, then (loaded again) purged through the API.
 * For each step: the longest stall another Redis client saw, the commands
 * Redis logged at 10 ms or more, and the dashboard's and worker's peak memory.
 */

const MB = 1024 * 1024;
const HUGE_BYTES = 50 * MB;

export interface HugeStep {
  step: string;
  seconds: number;
  stalls: Stalls;
  dashboardPeakMb: number;
  workerPeakMb: number;
}

export interface HugeEntriesResult {
  scenario: string;
  fsync: "everysec";
  census: Census;
  recoverSeconds: number;
  steps: HugeStep[];
}

interface Letter {
  entry: Buffer;
  metadataKey: string;
  metadata: Record<string, string>;
}

/**
 * Python-written huge entries: the large field last (the ids in the first
 * bytes), or first (ids beyond any head Redrive reads); a Redrive-written one.
 * Each with the metadata hash its writer gives it.
 */
function hugeLetter(kind: "python-last" | "python-first" | "redrive", n: number): Letter {
  const blob = "x".repeat(HUGE_BYTES);
  if (kind === "redrive") {
    const fields = { job_id: `huge-${n}`, filename: `scan-${n}.tiff`, retry_count: 3 };
    const msg = Buffer.from(JSON.stringify({ ...fields, content: blob }));
    const stamp = dlqStamp(QUEUE, new Date());
    const entry = toDlqEntry(msg, stamp);
    return {
      entry,
      metadataKey: metadataKeyOf(entry),
      metadata: metadataFields(msg, stamp, entry),
    };
  }
  const small = deadLetters("python", QUEUE, new Date(), { seed: 40 + n })(n);
  const body = small.entry.toString().slice(1, -1);
  const field = `"content": "${blob}"`;
  const entry = Buffer.from(
    kind === "python-first" ? `{${field}, ${body}}` : `{${body}, ${field}}`,
  );
  return { ...small, entry };
}

/**
 * Oldest first: a huge entry, half the small ones, a huge one, the rest, a
 * huge one; the Python backend's metadata hashes beside them (it always
 * writes one: some entries carry their error only there).
 */
async function loadHugeDlq(o: Observer, small: number): Promise<Set<string>> {
  const ids = new Set<string>();
  const next = deadLetters("python", QUEUE, new Date(), { seed: 12 });
  const push = async (letters: Letter[]) => {
    const pipeline = o.redis.pipeline();
    for (const l of letters) {
      ids.add(jobIdOf(l.entry)!);
      if (Object.keys(l.metadata).length > 0) pipeline.hset(l.metadataKey, l.metadata);
    }
    pipeline.lpush(o.keys.dlq, ...letters.map((l) => l.entry));
    await pipeline.exec();
  };
  const smalls = async (from: number, to: number) => {
    for (let at = from; at < to; at += 1000) {
      await push(Array.from({ length: Math.min(1000, to - at) }, (_, i) => next(at + i)));
    }
  };
  await push([hugeLetter("python-first", 1)]);
  await smalls(0, small / 2);
  await push([hugeLetter("redrive", 2)]);
  await smalls(small / 2, small);
  await push([hugeLetter("python-last", 3)]);
  return ids;
}

async function measure(
  step: string,
  pids: { dashboard: number; worker: number },
  url: string,
  scripts: Map<string, string>,
  run: () => Promise<void>,
): Promise<HugeStep> {
  const stalls = await watchStalls(url, scripts);
  const dashboard = watchRss(pids.dashboard);
  const worker = watchRss(pids.worker);
  const started = Date.now();
  await run();
  const seconds = (Date.now() - started) / 1000;
  return {
    step,
    seconds,
    stalls: await stalls.stop(),
    dashboardPeakMb: dashboard.stop() / MB,
    workerPeakMb: worker.stop() / MB,
  };
}

async function get(url: string, cookie: string, path: string, maxAge = 2): Promise<number> {
  const r = await fetch(`${url}${path}`, {
    headers: { cookie, "cache-control": `max-age=${maxAge}` },
  });
  await r.arrayBuffer();
  if (r.status !== 200) throw new Error(`GET ${path}: ${r.status}`);
  return r.status;
}

/** Two viewers polling the overview, the newest page and the middle page every 2 s for 20 s. */
async function pollPages(url: string, cookie: string, small: number): Promise<void> {
  const base = `/api/admin/dlq/${QUEUE}`;
  const paths = [
    "/api/admin/overview",
    `${base}?offset=0&limit=50`,
    `${base}?offset=${small / 2 - 20}&limit=50`,
  ];
  const viewer = async (delay: number) => {
    await sleep(delay);
    for (let poll = 0; poll < 10; poll++) {
      await Promise.all(paths.map((p) => get(url, cookie, p)));
      await sleep(2000);
    }
  };
  await Promise.all([viewer(0), viewer(700)]);
}

/** Requeue all by the worker's task, until it is done; returns its seconds. */
async function requeueAll(o: Observer): Promise<number> {
  const started = Date.now();
  await createTask(o.engine.ctx, QUEUE, "requeue", 0, "chaos");
  await waitUntil(
    "the requeue-all task",
    async () => {
      const t = await getTask(o.engine.ctx, QUEUE);
      return t && t.state !== "running" && t.state !== "pending" ? t : undefined;
    },
    300_000,
  );
  return (Date.now() - started) / 1000;
}

/**
 * Purge older than 0 days through the API (the dashboard runs it), again
 * while it purges something: one purge looks at 1 000 000 entries at most.
 */
async function purgeAll(url: string, cookie: string): Promise<void> {
  for (let call = 0; call < 5; call++) {
    const r = await fetch(`${url}/api/admin/dlq/${QUEUE}/purge`, {
      method: "POST",
      headers: { cookie, origin: url, "content-type": "application/json" },
      body: JSON.stringify({ olderThanDays: 0 }),
    });
    const body = await r.text();
    if (r.status !== 200) throw new Error(`purge: ${r.status} ${body}`);
    if ((JSON.parse(body) as { purged: number }).purged === 0) return;
  }
}

export async function hugeEntries(small = 1_000_000): Promise<HugeEntriesResult> {
  const env = { QUEUES: QUEUE, RETRY_WORKER_INTERVAL_SECONDS: "0.2" };
  return withRig({ fsync: "everysec", env }, async ({ redis, o, startWorker, startDashboard }) => {
    const worker = startWorker({ REDRIVE_WORKER_ROLES: "tasks" });
    const produced = await loadHugeDlq(o, small);
    const dashboard = await startDashboard();
    await worker.waitFor('"retry worker started"');
    const cookie = await logIn(dashboard.url, "admin", DASHBOARD_PASSWORD);
    const pids = { dashboard: dashboard.pid, worker: worker.child.pid! };
    // The observer defined every script: its sha1s name the SLOWLOG's EVALSHA calls.
    const scripts = scriptNames(o.redis);
    const step = (name: string, run: () => Promise<void>) =>
      measure(name, pids, redis.url, scripts, run);
    let recoverSeconds = 0;
    const steps = [
      await step("pages polled", () => pollPages(dashboard.url, cookie, small)),
      await step("requeue all (task)", async () => void (recoverSeconds = await requeueAll(o))),
    ];
    const census = await takeCensus(o.redis, o.keys, produced);
    await o.redis.del(o.keys.work);
    await loadHugeDlq(o, small);
    steps.push(await step("purge all (API)", () => purgeAll(dashboard.url, cookie)));
    if ((await o.redis.llen(o.keys.dlq)) !== 0) throw new Error("the purge left entries");
    return {
      scenario: "50 MB entries among 1 M small",
      fsync: "everysec",
      census,
      recoverSeconds,
      steps,
    };
  });
}
