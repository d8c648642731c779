/**
 * The three phases of the rolling upgrade, as an operator would roll it:
 *
 *   old    0.1.0 dashboard, 0.1.0 worker, 0.1.0 consumers: Redis fills with
 *          state only 0.1.0 wrote (the state fixture is captured after it)
 *   mixed  the dashboard is upgraded first: the new dashboard beside the 0.1.0
 *          worker; the application upgrades one consumer (video) of two
 *   new    the worker is upgraded (the new one migrates at start) while a
 *          0.1.0 dashboard is still serving (a replica not yet rolled, or a
 *          rollback of the dashboard); the consumers are all new
 *
 * In each, an admin acts through the dashboard of the phase on DLQ entries
 * the other version wrote and reads what the other version left. The Python
 * consumer (document) and the producer run throughout.
 */
import { Dashboard } from "./api.mjs";
import { adminActions, PhaseLog, readAll, refusals, startTask, waitTask } from "./admin.mjs";
import { sleep, stopProcess } from "./procs.mjs";

export const PASSWORD = "upgrade-test-password";

/** Sleeps until `seconds` after the phase started. */
async function at(p, seconds) {
  const wait = p.startedAt * 1000 + seconds * 1000 - Date.now();
  if (wait > 0) await sleep(wait);
}

/**
 * Starts a dashboard and signs in. Before that, the session cookie the other
 * version's dashboard issued is tried on it, as a browser that stays open
 * across the upgrade would send it: what it answers is a note (a new
 * dashboard may ask everyone to sign in again), and it must be below 500.
 */
async function dashboardOf(ctx, stack, version, user, phase, p) {
  const { proc, url } = await stack.dashboard(version);
  const d = new Dashboard(version === "old" ? "0.1.0" : "new", url, ctx.calls);
  d.phase = phase;
  d.user = user;
  const earlier = ctx.lastSession;
  if (earlier && earlier.version !== d.version) {
    d.cookie = earlier.cookie;
    const { status } = await d.get("/api/admin/dlq/stats");
    p.note(
      `a session cookie of the ${earlier.version} dashboard, sent to the ${d.version} one, answers ${status}`,
    );
  }
  await d.logIn(user, PASSWORD);
  ctx.lastSession = { version: d.version, cookie: d.cookie };
  return { proc, d };
}

/**
 * Waits for a requeue-all task and checks that `worker` finished it. `d` is the
 * dashboard it is watched through; `startedBy` the one that started it.
 */
async function taskFinished(d, p, queue, worker, startedBy = d.version, timeoutMs = 45_000) {
  const task = await waitTask(d, queue, timeoutMs);
  const detail = task ? `${task.state}, moved ${task.moved}/${task.total}` : "no task";
  const seen = startedBy === d.version ? "" : ` (watched through the ${d.version} dashboard)`;
  p.check(
    `the ${worker} worker finishes the requeue-all on ${queue} the ${startedBy} dashboard started${seen}`,
    task?.state === "done",
    detail,
  );
  p.note(
    `requeue-all on ${queue} (started by the ${startedBy} dashboard, run by the ${worker} worker${seen}): ${detail}`,
  );
  return task;
}

/** Entries the admin actions of the first two phases act on: written by 0.1.0 processes. */
const OLD_ENTRIES = {
  queue: "audio",
  writer: "0.1.0",
  phase: "old",
  deleteQueue: "document",
  deleteWriter: "python",
};

/** What the 0.1.0 phase leaves for readAll to find: its admin, review, task, worker and samples. */
const OLD_PHASE_LEFT = {
  user: "ops-old",
  other: "0.1.0",
  review: "video",
  task: "document",
  worker: "0.1.0",
  sampler: "0.1.0",
};

export async function phaseOld(ctx, stack, seconds) {
  const p = new PhaseLog("old", "0.1.0 dashboard + 0.1.0 worker");
  ctx.phases.push(p);
  ctx.startTraffic("old");
  ctx.consumers.old = stack.consumer("old", ["audio", "video"]);
  ctx.worker = stack.worker("old");
  const { proc, d } = await dashboardOf(ctx, stack, "old", "ops-old", "old", p);
  ctx.dashboard = proc;
  await refusals(d, p, PASSWORD);
  await at(p, 12);
  await adminActions(ctx, d, p, { ...OLD_ENTRIES, review: "video" });
  await startTask(d, p, "document");
  await taskFinished(d, p, "document", "0.1.0");
  await at(p, seconds - 2);
  await readAll(ctx, d, p, {
    ...OLD_PHASE_LEFT,
    sampledAfter: p.startedAt,
    sampledBefore: Date.now() / 1000,
  });
  p.endedAt = Date.now() / 1000;
  return p;
}

export async function phaseMixed(ctx, stack, seconds) {
  const p = new PhaseLog("mixed", "new dashboard beside the 0.1.0 worker");
  ctx.phases.push(p);
  ctx.producer.setPhase("mixed");
  await stopProcess(ctx.dashboard);
  const { proc, d } = await dashboardOf(ctx, stack, "new", "ops-new", "mixed", p);
  ctx.dashboard = proc;
  await refusals(d, p, PASSWORD);
  await stopProcess(ctx.consumers.old);
  ctx.consumers.old = stack.consumer("old", ["audio"]);
  ctx.consumers.video = stack.consumer("new", ["video"]);
  await adminActions(ctx, d, p, { ...OLD_ENTRIES, review: "audio" });
  const old = ctx.phases[0];
  await readAll(ctx, d, p, {
    ...OLD_PHASE_LEFT,
    sampledAfter: old.startedAt,
    sampledBefore: old.endedAt,
  });
  // By now video's DLQ holds entries of both consumers: the 0.1.0 worker moves both kinds.
  await at(p, 15);
  await startTask(d, p, "video");
  ctx.mixedTask = await taskFinished(d, p, "video", "0.1.0");
  await at(p, seconds);
  p.endedAt = Date.now() / 1000;
  return p;
}

/** The 0.1.0 worker stops as a deployment stops it: SIGTERM, finishing its run. */
async function replaceWorker(ctx, stack, p) {
  const exit = await stopProcess(ctx.worker, 30_000);
  const clean = exit.code === 0 && ctx.worker.stdout.includes('"msg":"retry worker stopped"');
  p.check("the 0.1.0 worker stops cleanly on SIGTERM", clean, `exit ${exit.code ?? exit.signal}`);
  ctx.worker = stack.worker("new");
}

export async function phaseNew(ctx, stack, seconds) {
  const p = new PhaseLog("new", "new worker beside a 0.1.0 dashboard");
  ctx.phases.push(p);
  ctx.producer.setPhase("new");
  await replaceWorker(ctx, stack, p);
  await stopProcess(ctx.dashboard);
  const { proc, d } = await dashboardOf(ctx, stack, "old", "ops-old", "new", p);
  ctx.dashboard = proc;
  await refusals(d, p, PASSWORD);
  await stopProcess(ctx.consumers.old);
  ctx.consumers.old = null;
  ctx.consumers.audio = stack.consumer("new", ["audio"]);
  if (ctx.mixedTask?.state !== "done") await taskFinished(d, p, "video", "new", "new");
  await at(p, 15);
  const plan = {
    queue: "audio",
    writer: "new",
    phase: "new",
    deleteQueue: "video",
    deleteWriter: "new",
    review: "document",
  };
  await adminActions(ctx, d, p, plan);
  await startTask(d, p, "audio");
  await taskFinished(d, p, "audio", "new");
  const expect = {
    user: "ops-new",
    other: "new",
    review: "audio",
    task: "video",
    worker: "new",
    sampler: "new",
  };
  await readAll(ctx, d, p, {
    ...expect,
    sampledAfter: p.startedAt + 1,
    sampledBefore: Date.now() / 1000,
  });
  await at(p, seconds);
  p.endedAt = Date.now() / 1000;
  return p;
}
