/**
 * What an admin does through a dashboard in each phase of the upgrade test,
 * and what the phase checks about it: the actions (open, requeue, delete,
 * requeue a selection, mark reviewed, requeue all) on DLQ entries another
 * version wrote, and the reads (overview, metrics, audit, review, task) of
 * state the other version left. Every outcome lands in the phase's log as an
 * action or a check with its detail; the report prints them.
 */
import { Dashboard } from "./api.mjs";
import { sleep } from "./procs.mjs";
import { SETTINGS } from "./stack.mjs";

export class PhaseLog {
  constructor(name, title) {
    this.name = name;
    this.title = title;
    this.actions = [];
    this.checks = [];
    this.notes = [];
    this.requeued = [];
    this.deleted = [];
    this.startedAt = Date.now() / 1000;
  }

  action(label, ok, detail = "") {
    this.actions.push({ label, ok, detail });
  }

  check(label, ok, detail = "") {
    this.checks.push({ label, ok: Boolean(ok), detail });
  }

  note(text) {
    this.notes.push(text);
  }
}

const enc = encodeURIComponent;

export async function listDlq(d, queue) {
  const { status, body } = await d.get(`/api/admin/dlq/${queue}?limit=200`);
  return status === 200 ? body.messages : [];
}

/**
 * Entries of `queue` that `writer` dead-lettered ("0.1.0", "new" or "python", as
 * the consumers record it), optionally only jobs produced in `phase`; oldest first.
 */
export async function entriesBy(ctx, d, queue, writer, phase) {
  const listed = await listDlq(d, queue);
  const writers = await ctx.writers(listed.map((m) => m.jobId ?? ""));
  return listed
    .filter(
      (m, i) => writers[i] === writer && (!phase || ctx.produced.get(m.jobId)?.phase === phase),
    )
    .reverse();
}

/** The fields a dashboard shows for an entry match how it failed. */
function checkFields(ctx, p, who, m, queue, writer) {
  const produced = ctx.produced.get(m.jobId);
  const retries = produced?.behaviour === "poison" ? Number(SETTINGS.MAX_RETRY_ATTEMPTS) : 0;
  const problems = [];
  if (!m.errorType || !m.errorMessage) problems.push(`error ${m.errorType}: ${m.errorMessage}`);
  if (!(m.failedAt > 0)) problems.push(`failedAt ${m.failedAt}`);
  if (m.retryCount !== retries) problems.push(`retryCount ${m.retryCount}, expected ${retries}`);
  if (writer === "python" && !m.metadata) problems.push("no metadata hash");
  if (writer !== "python" && m.originalQueue !== queue)
    problems.push(`originalQueue ${m.originalQueue}`);
  if (!m.isJson) problems.push("not shown as JSON");
  const label = `the ${who} dashboard reads a ${writer}-written ${queue} entry's error, time and retries`;
  p.check(
    label,
    problems.length === 0,
    `${m.jobId}${problems.length ? `: ${problems.join("; ")}` : ""}`,
  );
}

async function openEntry(d, p, queue, m, writer) {
  const path = `/api/admin/dlq/${queue}/message/${m.index}?identity=${enc(m.identity)}`;
  const { status, body } = await d.get(path);
  const same = status === 200 && body?.message?.raw === m.raw;
  p.check(
    `the ${d.version} dashboard opens a ${writer}-written ${queue} entry`,
    same,
    `${m.jobId}: ${status}`,
  );
}

async function mutate(d, p, label, path, body, expected = [200]) {
  const { status, body: answer } = await d.post(path, body);
  p.action(label, expected.includes(status), `${status} ${path}`);
  return { status, answer };
}

/** One message at its index with its identity, as the drawer's buttons send it. */
async function moveOne(d, p, mode, queue, m, writer) {
  const label = `${mode} one ${writer}-written ${queue} entry (${m.jobId})`;
  const { status } = await mutate(d, p, label, `/api/admin/dlq/${queue}/${mode}/${m.index}`, {
    identity: m.identity,
  });
  if (status === 200) (mode === "requeue" ? p.requeued : p.deleted).push(m.jobId);
}

export async function waitTask(d, queue, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let task = null;
  while (Date.now() < deadline) {
    const { status, body } = await d.get(`/api/admin/dlq/${queue}/tasks`);
    task = status === 200 ? body.task : task;
    if (task && ["done", "failed", "cancelled"].includes(task.state)) return task;
    await sleep(1_000);
  }
  return task;
}

/**
 * What leaves login and denial state behind: a wrong password (a login
 * counter) and a viewer's refused change (a denial in the audit), so that the
 * other version meets those keys too.
 */
export async function refusals(d, p, password) {
  const wrong = await d.postCredentials(d.user, "not the password");
  const session = wrong.headers.getSetCookie().some((c) => c.includes("session-token="));
  p.action(
    `a wrong password is refused by the ${d.version} dashboard`,
    !session && wrong.status < 500,
    `${wrong.status}`,
  );
  const viewer = new Dashboard(d.version, d.url, d.calls);
  viewer.phase = d.phase;
  await viewer.logIn("ops-viewer", password);
  const { status } = await viewer.post("/api/admin/review/document", {});
  p.action(
    `a viewer's change is refused by the ${d.version} dashboard`,
    status === 403,
    `${status}`,
  );
}

/** Starts a requeue-all task (202); the task as created, or null. */
export async function startTask(d, p, queue) {
  const path = `/api/admin/dlq/${queue}/tasks`;
  const { answer } = await mutate(
    d,
    p,
    `start requeue-all on ${queue}`,
    path,
    { kind: "requeue" },
    [202],
  );
  return answer?.task ?? null;
}

/**
 * The admin's actions on entries `plan.writer` wrote (produced in
 * `plan.phase`): open and requeue one in `plan.queue`, delete one of
 * `plan.deleteWriter`'s in `plan.deleteQueue`, requeue a selection of two,
 * mark `plan.review` reviewed.
 */
export async function adminActions(ctx, d, p, plan) {
  const entries = await entriesBy(ctx, d, plan.queue, plan.writer, plan.phase);
  p.check(
    `the ${d.version} dashboard lists ${plan.writer}-written ${plan.queue} entries`,
    entries.length >= 3,
    `${entries.length} listed`,
  );
  for (const m of entries.slice(0, 2)) checkFields(ctx, p, d.version, m, plan.queue, plan.writer);
  if (entries[0]) {
    await openEntry(d, p, plan.queue, entries[0], plan.writer);
    await moveOne(d, p, "requeue", plan.queue, entries[0], plan.writer);
  }
  const doomed = await entriesBy(ctx, d, plan.deleteQueue, plan.deleteWriter, plan.phase);
  if (doomed[0]) {
    checkFields(ctx, p, d.version, doomed[0], plan.deleteQueue, plan.deleteWriter);
    await moveOne(d, p, "delete", plan.deleteQueue, doomed[0], plan.deleteWriter);
  } else
    p.action(
      `delete one ${plan.deleteWriter}-written ${plan.deleteQueue} entry`,
      false,
      "none listed",
    );
  const selection = (await entriesBy(ctx, d, plan.queue, plan.writer, plan.phase)).slice(0, 2);
  const { status, answer } = await mutate(
    d,
    p,
    `requeue a selection of ${selection.length} ${plan.writer}-written ${plan.queue} entries`,
    `/api/admin/dlq/${plan.queue}/requeue`,
    { messages: selection.map((m) => ({ identity: m.identity, index: m.index })) },
  );
  if (status === 200)
    p.requeued.push(
      ...selection.filter((m) => answer.moved.includes(m.identity)).map((m) => m.jobId),
    );
  await mutate(d, p, `mark ${plan.review} reviewed`, `/api/admin/review/${plan.review}`, {});
}

/**
 * The reads of every page, and what they must show of the other version's
 * state: `expect.user`'s audit entries, metrics sampled after `expect.sampledAfter`
 * and before `expect.sampledBefore`, `expect.review` marked by `expect.user`, the
 * task of `expect.task` created by `expect.user`, a live worker.
 */
export async function readAll(ctx, d, p, expect) {
  await d.get("/api/admin/dlq/stats");
  await d.get("/api/admin/insights");
  await d.get("/api/admin/cache/stats");
  for (const q of ctx.queues) {
    await d.get(`/api/admin/errors/${q}`);
    await d.get(`/api/admin/retry/${q}?limit=50`);
  }
  // The stored state's schema as the new dashboard tells it (0.1.0 has no such route).
  if (d.version === "new") {
    const schema = (await d.get("/api/admin/redis")).body?.schema;
    p.note(
      `the new dashboard's GET /api/admin/redis says of the schema: ${JSON.stringify(schema)}`,
    );
  }
  const overview = (await d.get("/api/admin/overview")).body;
  const worker = overview?.worker;
  p.check(
    `the ${d.version} dashboard sees the ${expect.worker} worker alive`,
    worker?.instances >= 1 && worker?.healthy,
    JSON.stringify(worker ?? null),
  );
  // The 1 h window keeps one sample per 10 s bucket: a phase of 20 s has one or two.
  const points = (await d.get("/api/admin/metrics?window=1h")).body?.points ?? [];
  const inRange = points.filter(
    (pt) => pt.t >= expect.sampledAfter && pt.t <= expect.sampledBefore,
  );
  const complete = inRange.filter((pt) =>
    ctx.queues.every((q) => Number.isInteger(pt.queues?.[q]?.dlq)),
  );
  p.check(
    `the ${d.version} dashboard charts metrics the ${expect.sampler} worker sampled`,
    complete.length >= 1,
    `${complete.length} of the window's ${points.length} points, with every queue's figures`,
  );
  const audit = (await d.get("/api/admin/audit?limit=200")).body?.entries ?? [];
  const theirs = audit.filter((e) => e.user === expect.user);
  p.check(
    `the ${d.version} dashboard lists audit entries the ${expect.other} dashboard wrote`,
    theirs.length >= 3,
    `${theirs.length} by ${expect.user}: ${[...new Set(theirs.map((e) => e.action))].join(", ")}`,
  );
  const review = (await d.get(`/api/admin/review/${expect.review}`)).body?.review;
  p.check(
    `the ${d.version} dashboard shows the ${expect.other} dashboard's review mark`,
    review?.by === expect.user,
    JSON.stringify(review ?? null),
  );
  const task = (await d.get(`/api/admin/dlq/${expect.task}/tasks`)).body?.task;
  p.check(
    `the ${d.version} dashboard shows the ${expect.other} dashboard's requeue-all task`,
    task?.createdBy === expect.user,
    task ? `${task.queue} ${task.state}, moved ${task.moved}/${task.total}` : "none",
  );
}
